namespace ThreadedLogging.Collector.Ingest;

/// <summary>The client formats, told apart by method and content type.</summary>
internal enum IngestFormat
{
    /// <summary>Python HTTPHandler, GET: the record in the query string.</summary>
    PythonQuery,

    /// <summary>Python HTTPHandler, POST <c>application/x-www-form-urlencoded</c>.</summary>
    PythonForm,

    /// <summary>JsonBatch envelope, <c>application/json</c>.</summary>
    JsonEnvelope,

    /// <summary>JsonBatch, <c>application/x-ndjson</c>: one event per line.</summary>
    JsonLines,

    /// <summary>Newline-delimited CLEF, <c>application/vnd.serilog.clef</c> (Serilog.Sinks.Seq pointed at <c>/log/…</c>).</summary>
    Clef,
}
