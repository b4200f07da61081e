namespace ThreadedLogging.Collector.Ingest;

/// <summary>A request body as it came over the wire (within the size cap), not yet gunzipped or checked as text.</summary>
/// <param name="Bytes">The bytes received (a pooled buffer: see <see cref="BodyBuffer"/>).</param>
/// <param name="Gzip">Whether <c>Content-Encoding: gzip</c> said they are compressed.</param>
internal sealed record ReceivedBody(BodyBuffer Bytes, bool Gzip) : IDisposable
{
    /// <summary>A body that is an array of its own.</summary>
    public ReceivedBody(byte[] bytes, bool Gzip)
        : this(BodyBuffer.Of(bytes), Gzip)
    {
    }

    /// <summary>Gives a pooled buffer back.</summary>
    public void Dispose() => Bytes.Dispose();
}
