namespace ThreadedLogging.Collector.Ingest;

/// <summary>A request body as it came over the wire (within the size cap), not yet gunzipped or checked as text.</summary>
/// <param name="Bytes">The bytes received.</param>
/// <param name="Gzip">Whether <c>Content-Encoding: gzip</c> said they are compressed.</param>
internal sealed record ReceivedBody(byte[] Bytes, bool Gzip);
