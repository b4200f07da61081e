namespace ThreadedLogging;

/// <summary>What <see cref="ThreadedHttpHandler"/> puts on the wire.</summary>
public enum HttpLogFormat
{
    /// <summary>
    /// Python's <c>logging.handlers.HTTPHandler</c> (the seed's): one record per request, the
    /// <c>LogRecord</c> fields percent-encoded as the GET query or the POST form body.
    /// </summary>
    PythonForm,

    /// <summary>Many events in one gzip-compressed JSON POST (see docs/WIRE-FORMAT.md), for ThreadedLogging's collector.</summary>
    JsonBatch,
}
