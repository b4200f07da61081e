namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The members every read-only, forward-only stream of ingest's decoding needs (<see cref="WholeBrotliStream"/>, gRPC's
/// capped gzip): a subclass writes <see cref="Read(Span{byte})"/> (abstract: Stream's own span and array overloads each
/// call the other, so a subclass without it would recurse until the stack overflowed) and, if it reads asynchronously,
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>, which otherwise reads synchronously; the array overloads go
/// through them.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
