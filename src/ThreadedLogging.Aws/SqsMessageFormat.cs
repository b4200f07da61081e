namespace ThreadedLogging;

/// <summary>The body of the SQS messages a <see cref="ThreadedAwsHandler"/> sends.</summary>
public enum SqsMessageFormat
{
    /// <summary>
    /// ThreadedLogging's JsonBatch envelope (see docs/WIRE-FORMAT.md): many events per message, gzip-compressed
    /// and base64-encoded when that makes the message smaller. The default.
    /// </summary>
    JsonBatch,

    /// <summary>
    /// The seed's shape, for consumers written for Camelot: one message per event, a JSON object of the Python
    /// <c>LogRecord</c> fields plus <c>user</c> and <c>revision</c>.
    /// </summary>
    SeedRecord,
}
