namespace ThreadedLogging.Collector.Ingest;

/// <summary>What a decoder gets: the body and the facts of its request that formats use.</summary>
/// <param name="Body">The body, gunzipped.</param>
/// <param name="Path">Where it was posted after <c>/log/</c> (empty for the fixed endpoints; <c>sqs:{queue}</c> for SQS).</param>
/// <param name="BatchKey">The idempotency key the transport gave (Idempotency-Key header, SQS <c>tl-dedupe-id</c>), or null.</param>
internal sealed record IngestRequest(ReadOnlyMemory<byte> Body, string Path, string? BatchKey);
