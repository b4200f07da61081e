namespace ThreadedLogging;

/// <summary>
/// The field names of the <c>JsonBatch</c> wire format (docs/WIRE-FORMAT.md §1), in one place: written by
/// <c>JsonBatchWriter</c>, read back by <c>SpoolSerializer</c>, and read by the collector's <c>JsonBatchParser</c>
/// (this file is linked into the collector, which does not reference the client).
/// </summary>
internal static class JsonBatchFields
{
    // The envelope, and the identity (on the envelope, or on each NDJSON event).
    public const string BatchId = "batchId";
    public const string Events = "events";
    public const string App = "app";
    public const string Version = "version";
    public const string User = "user";
    public const string Machine = "machine";
    public const string ProcessId = "processId";
    public const string InstanceId = "instanceId";

    // An event.
    public const string Timestamp = "timestamp";
    public const string Level = "level";
    public const string Category = "category";
    public const string EventId = "eventId";
    public const string EventName = "eventName";
    public const string Template = "template";
    public const string Message = "message";
    public const string Properties = "properties";
    public const string Exception = "exception";
    public const string Scopes = "scopes";
    public const string TraceId = "traceId";
    public const string SpanId = "spanId";
    public const string ThreadId = "threadId";
    public const string ThreadName = "threadName";
    public const string Sequence = "sequence";

    // An exception (message is Message; inner exceptions nest).
    public const string ExceptionType = "type";
    public const string StackTrace = "stackTrace";
    public const string ExceptionText = "text";
    public const string InnerExceptions = "inner";
}
