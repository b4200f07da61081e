namespace ThreadedLogging;

/// <summary>
/// The SQS message attributes a <see cref="ThreadedAwsHandler"/> sets on every message, so that a consumer
/// (the collector) reads a body without guessing its shape and stores a redelivered message once.
/// </summary>
public static class SqsMessageAttributes
{
    /// <summary>The attribute naming the body's shape: <see cref="SeedRecordFormat"/>, <see cref="JsonBatchFormat"/> or <see cref="JsonBatchGzipFormat"/>.</summary>
    public const string Format = "tl-format";

    /// <summary>
    /// The attribute holding the message's idempotency id: <c>{batch id}-{part index}</c>. A resend of the
    /// same message carries the same id; for <see cref="JsonBatchFormat"/> it is also the envelope's <c>batchId</c>.
    /// </summary>
    public const string DedupeId = "tl-dedupe-id";

    /// <summary>The <see cref="Format"/> value of a <see cref="SqsMessageFormat.SeedRecord"/> body: one JSON object of Python record fields.</summary>
    public const string SeedRecordFormat = "seed-record";

    /// <summary>The <see cref="Format"/> value of a <see cref="SqsMessageFormat.JsonBatch"/> body sent as plain UTF-8 JSON.</summary>
    public const string JsonBatchFormat = "json-batch";

    /// <summary>The <see cref="Format"/> value of a JsonBatch body compressed with gzip and then base64-encoded.</summary>
    public const string JsonBatchGzipFormat = "json-batch+gzip";
}
