namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about ingest formats (ids 200+; issue 11).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(200, LogLevel.Error, "Decoding a {Format} request to {Path} failed with an unexpected error; answered 500")]
    public static partial void DecoderFailed(ILogger logger, Exception exception, string format, string path);

    [LoggerMessage(201, LogLevel.Information, "No ingest endpoint at {Method} {RequestPath}: answered 404")]
    public static partial void IngestPathNotFound(ILogger logger, string method, string requestPath);
}
