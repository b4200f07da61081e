using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using GrpcStatus = Grpc.Core.Status;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// An OTLP/gRPC call's request body, its bytes taken from <see cref="BodyBudget"/> (<c>Collector:MaxReceivingBytes</c>) and
/// from the sender's share of it as they are read, as an HTTP ingest body's are (<see cref="RequestBodyReader"/>), and given
/// back when the call ends (<see cref="Release"/>). The gRPC framework reads the whole message before the service runs: it
/// examines what has arrived without consuming it until the message is complete (Kestrel's HTTP/2 flow control opens the
/// window for what was examined), so what it holds is every byte received so far, and the <c>byte[]</c> it then hands to
/// <see cref="OtlpGrpcLogsService"/> is the same message; every byte received is therefore kept taken until the call ends,
/// and a message inflated by <c>grpc-encoding</c> <c>gzip</c> or <c>deflate</c> takes its larger size (<see cref="HoldMessage"/>). Past the budget
/// the read fails with RESOURCE_EXHAUSTED and a <c>RetryInfo</c>, which the framework answers (its trailers merged), before
/// the rest of the message is held.
/// <para>
/// A message longer than <c>Collector:MaxRequestBodyBytes</c> (<paramref name="limit"/>; its length is in the gRPC frame's
/// first 5 bytes) is refused RESOURCE_EXHAUSTED (without a <c>RetryInfo</c>: not retryable), naming the setting and its
/// value, as an HTTP body's 413 names the limit, and logged and counted as that 413; the framework's own check (its
/// <c>MaxReceiveMessageSize</c>, left as a backstop) answers "Received message exceeds the maximum configured message
/// size.", which names neither.
/// </para>
/// <para>
/// The message must arrive within <see cref="CollectorOptions.RequestBodyTimeout"/> from the call's start, as an HTTP body must
/// (<paramref name="deadline"/> is cancelled then): Kestrel's minimum data rate alone let a message of 1 MiB trickle in at
/// 1 KiB/s for 17 minutes, holding its share of the budget all that time. A read past it fails with DEADLINE_EXCEEDED.
/// </para>
/// </summary>
internal sealed class BudgetedBodyReader(PipeReader inner, BodyBudget budget, string sender, long limit, TimeSpan timeout, CancellationToken deadline) : PipeReader, IRequestBodyPipeFeature
{
    private readonly Lock _gate = new();
    private ReadOnlySequence<byte> _buffer;
    private long _consumed;
    private long _taken;
    private bool _released;
    private bool _sized; // the message's length, in its frame's first 5 bytes, was checked against the limit

    /// <summary>Gets the refusal a read met (the budget or the sender's share was spent), or null.</summary>
    public IngestRejectedException? Refusal { get; private set; }

    /// <inheritdoc/>
    PipeReader IRequestBodyPipeFeature.Reader => this;

    /// <summary>
    /// Takes what the message (<paramref name="length"/> bytes, gunzipped when it came compressed) holds beyond the bytes
    /// received, so that the call holds the larger of the two until it ends.
    /// </summary>
    /// <exception cref="IngestRejectedException">The budget or the sender's share is spent (429).</exception>
    public void HoldMessage(long length) => TakeUpTo(length);

    /// <summary>Gives back everything taken; later reads take nothing.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (!_released && _taken > 0)
            {
                budget.Give(_taken, sender);
            }

            _released = true;
            _taken = 0;
        }
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline))
        {
            try
            {
                result = await inner.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var late = new IngestRejectedException(StatusCodes.Status408RequestTimeout,
                    $"request body not received within {timeout} (Collector:RequestBodyTimeout)", e);
                Refusal = late;
                throw OtlpGrpcLogsService.Refused(new IngestOutcome(late.StatusCode, late.Message));
            }
        }

        return Charged(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        result = Charged(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _buffer.Slice(_buffer.Start, consumed).Length;
        _buffer = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    /// <summary>Takes the bytes received since the last read; refused, the read is given back to the pipe and fails.</summary>
    private ReadResult Charged(ReadResult result)
    {
        _buffer = result.Buffer;
        try
        {
            CheckLength(result.Buffer);
            TakeUpTo(_consumed + result.Buffer.Length);
        }
        catch (IngestRejectedException e)
        {
            // Nobody advances past a read that threw; Kestrel's end of the request reads the pipe again.
            _buffer = default;
            inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            Refusal = e;
            throw e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new RpcException(new GrpcStatus(StatusCode.ResourceExhausted, e.Message)) // not retryable: no RetryInfo
                : OtlpGrpcLogsService.Refused(new IngestOutcome(e.StatusCode, e.Message, e.RetryAfterSeconds));
        }

        return result;
    }

    /// <summary>Once the frame's header (a compressed flag, then the message's length, big-endian) has arrived: refuses a message longer than the limit (413).</summary>
    private void CheckLength(ReadOnlySequence<byte> buffer)
    {
        if (_sized || _consumed > 0 || buffer.Length < 5)
        {
            return;
        }

        _sized = true;
        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > limit)
        {
            throw IngestRejectedException.TooLarge($"message is {length} bytes; the limit is {limit} (Collector:MaxRequestBodyBytes)");
        }
    }

    private void TakeUpTo(long bytes)
    {
        lock (_gate)
        {
            if (!_released && bytes > _taken)
            {
                budget.Take(bytes - _taken, sender);
                _taken = bytes;
            }
        }
    }
}
