namespace ThreadedLogging;

/// <summary>
/// A connection's stream while its handshakes run, before any byte of a request goes out on it: a proxy's <c>CONNECT</c>
/// (https through a proxy) and the TLS handshake, each an exchange the client opens with a write (the CONNECT, the
/// ClientHello) and the peer answers with its first bytes. An exchange whose write has had no answer for
/// <see cref="HttpBatchSink.StalledAfter"/> calls <c>stalled</c> with its index, until the answer comes (<c>ended</c>
/// with true) or the stream fails or is disposed (<c>ended</c> with false), as a TCP connect that long without its SYN-ACK does (<see cref="IReportsStalledConnects"/>).
/// SocketsHttpHandler does the TLS handshake and the tunnel on the stream its <c>ConnectCallback</c> returns, so this is
/// where they can be seen: the callback returns before them, and <c>ConnectTimeout</c> (10 s) covers them. Once every
/// exchange was answered the stream only passes bytes on; a plain-http connection, whose first write is the request, is
/// not wrapped.
/// </summary>
internal sealed class HandshakeWatch(Stream inner, int exchanges, Action<int> stalled, Action<bool> ended) : Stream
{
    private readonly Lock _lock = new();
    private int _exchange; // under _lock: the exchange under way, or the next
    private bool _awaiting; // under _lock: its write waits for its answer
    private ITimer? _timer; // under _lock: ends the wait of StalledAfter
    private volatile bool _done; // every exchange answered, or the stream failed: bytes passed on only

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch
        {
            End();
            throw;
        }

        Answered(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _done ? inner.ReadAsync(buffer, cancellationToken) : WatchedReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _done ? inner.WriteAsync(buffer, cancellationToken) : WatchedWriteAsync(buffer, cancellationToken);

    private async ValueTask<int> WatchedReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            End();
            throw;
        }

        Answered(read);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch
        {
            End();
            throw;
        }

        Wrote();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async ValueTask WatchedWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            End();
            throw;
        }

        Wrote();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            End();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        End();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A write went out: the first of an exchange starts its wait for the answer.</summary>
    private void Wrote()
    {
        if (_done)
        {
            return;
        }

        lock (_lock)
        {
            if (_awaiting || _done)
            {
                return;
            }

            _awaiting = true;
            _timer = TimeProvider.System.CreateTimer(static state => ((HandshakeWatch)state!).Waited(), this, HttpBatchSink.StalledAfter, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The wait of <see cref="HttpBatchSink.StalledAfter"/> is over: an exchange still unanswered stalls.</summary>
    private void Waited()
    {
        lock (_lock)
        {
            if (_awaiting && !_done)
            {
                stalled(_exchange); // under the lock: an answer that comes now ends the stall after it is said, never before
            }
        }
    }

    /// <summary>Bytes came in (or the end, <paramref name="read"/> 0): the peer answered the exchange under way.</summary>
    private void Answered(int read)
    {
        if (read == 0 || _done)
        {
            return; // a zero-byte read (a wait for data) is no answer; the end is the stream's failure, which disposes it
        }

        lock (_lock)
        {
            if (!_awaiting)
            {
                return; // more of the same answer (a CONNECT's answer in pieces)
            }

            _awaiting = false;
            _timer?.Dispose();
            _timer = null;
            ended(true);
            _done = ++_exchange >= exchanges;
        }
    }

    /// <summary>The stream failed or is disposed: nothing of it stalls any more.</summary>
    private void End()
    {
        if (_done)
        {
            return;
        }

        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            if (_awaiting)
            {
                _awaiting = false;
                ended(false);
            }

            _done = true;
        }
    }
}
