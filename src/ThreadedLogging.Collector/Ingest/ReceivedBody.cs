namespace ThreadedLogging.Collector.Ingest;

/// <summary>A request body as it came over the wire (within the size cap), not yet decompressed or checked as text.</summary>
/// <param name="Bytes">The bytes received (a pooled buffer: see <see cref="BodyBuffer"/>).</param>
/// <param name="Coding">How <c>Content-Encoding</c> (or an SQS message's <c>+gzip</c>) said they are compressed.</param>
/// <param name="Charset">The Content-Type's <c>charset</c> (<see cref="BodyCharset.Of"/>), null when none was given: UTF-8.</param>
internal sealed record ReceivedBody(BodyBuffer Bytes, ContentCoding Coding, string? Charset = null) : IDisposable
{
    /// <summary>A body that is an array of its own.</summary>
    public ReceivedBody(byte[] bytes, ContentCoding Coding, string? Charset = null)
        : this(BodyBuffer.Of(bytes), Coding, Charset)
    {
    }

    /// <summary>Gives a pooled buffer back.</summary>
    public void Dispose() => Bytes.Dispose();
}
