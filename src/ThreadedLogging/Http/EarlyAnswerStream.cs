using System.Net.Sockets;

namespace ThreadedLogging;

/// <summary>
/// A connection's stream that lets the receiver's answer be read when it came before a batch request was all written. A
/// receiver that refuses a body from its headers (413 for a body over its limit, judged from <c>Content-Length</c>; a
/// proxy's limit) answers and closes the connection with the body unread, which resets it: the client, still writing,
/// fails with "Broken pipe" or "Connection reset", and SocketsHttpHandler, which reads the answer only once the body is
/// written, reported that failure instead of the answer, so a batch too large for the receiver was retried whole for
/// ever instead of split. When a write of a batch request (<see cref="BodyWrite.Current"/>, its headers out) fails so
/// while bytes of the receiver came after the request's first write (read ahead by SocketsHttpHandler, or waiting in the
/// socket), the failure is kept (<see cref="BodyWrite.CutBy"/>), the rest of what is written goes nowhere, and
/// SocketsHttpHandler goes on to read the answer (as Chromium and curl read an answer after a failed upload); the sink
/// honours it only if it refuses. The receiver closed the connection: it is not used again.
/// </summary>
internal sealed class EarlyAnswerStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    private long _received; // bytes read from the receiver, ever (reads may run alongside writes: SocketsHttpHandler's read-ahead)
    private BodyWrite? _writing; // writes only (one at a time): the request the last write was of
    private long _receivedBefore; // writes only: _received when _writing's first write began
    private volatile bool _cut; // a write failed with the answer waiting: the rest goes nowhere

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Received(base.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Received(await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_cut)
        {
            return;
        }

        var request = Begin();
        try
        {
            base.Write(buffer);
        }
        catch (IOException e) when (AnswerWaits(e, request))
        {
            // The rest goes nowhere; the answer is read.
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _cut ? ValueTask.CompletedTask : CheckedWriteAsync(buffer, Begin(), cancellationToken);

    private async ValueTask CheckedWriteAsync(ReadOnlyMemory<byte> buffer, BodyWrite? request, CancellationToken cancellationToken)
    {
        try
        {
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (AnswerWaits(e, request))
        {
            // The rest goes nowhere; the answer is read.
        }
    }

    private int Received(int read)
    {
        Interlocked.Add(ref _received, read);
        return read;
    }

    /// <summary>A write begins: the request it is of, whose first write marks what had been received before it.</summary>
    private BodyWrite? Begin()
    {
        var request = BodyWrite.Current.Value;
        if (!ReferenceEquals(request, _writing))
        {
            _writing = request;
            _receivedBefore = Interlocked.Read(ref _received);
        }

        return request;
    }

    /// <summary>
    /// Whether the write failed because the receiver reset or closed the connection after it had sent bytes since the
    /// request's first write (its answer, ahead of the reset), the request a batch's with its headers out: then the
    /// request keeps the failure and the answer is read in its place. A cancelled write, a disposed stream, a handshake's
    /// write and the level poll's keep .NET's own failure.
    /// </summary>
    private bool AnswerWaits(IOException e, BodyWrite? request)
    {
        if (request is not { HeadersOut: true } || e.InnerException is not SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted })
        {
            return false;
        }

        try
        {
            if (Interlocked.Read(ref _received) == _receivedBefore && Socket.Available == 0)
            {
                return false;
            }
        }
        catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
        {
            return false;
        }

        request.CutBy = e;
        _cut = true;
        return true;
    }
}
