namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// The message attributes ThreadedAwsHandler sets (ThreadedLogging.Aws <c>SqsMessageAttributes</c>; the
/// collector does not reference the client library, a test keeps the two equal). docs/WIRE-FORMAT.md §3.
/// </summary>
internal static class SqsWire
{
    public const string FormatAttribute = "tl-format";

    public const string DedupeIdAttribute = "tl-dedupe-id";

    public const string SeedRecord = "seed-record";

    public const string JsonBatch = "json-batch";

    public const string JsonBatchGzip = "json-batch+gzip";
}
