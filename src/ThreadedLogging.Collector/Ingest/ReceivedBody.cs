namespace ThreadedLogging.Collector.Ingest;

/// <summary>A request body as it came over the wire (within the size cap), not yet decompressed or checked as text.</summary>
/// <param name="Bytes">The bytes received (a pooled buffer: see <see cref="BodyBuffer"/>).</param>
/// <param name="Coding">How <c>Content-Encoding</c> (or an SQS message's <c>+gzip</c>) said they are compressed.</param>
internal sealed record ReceivedBody(BodyBuffer Bytes, ContentCoding Coding) : IDisposable
{
    /// <summary>A body that is an array of its own.</summary>
    public ReceivedBody(byte[] bytes, ContentCoding Coding)
        : this(BodyBuffer.Of(bytes), Coding)
    {
    }

    /// <summary>Gives a pooled buffer back.</summary>
    public void Dispose() => Bytes.Dispose();
}
