namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about ingest formats (ids 200+; issue 11).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(200, LogLevel.Warning, "No ingest endpoint at {Method} {RequestPath}: answered {Status} to {RemoteAddress} ({Suppressed} more {Whose} since the last such line, at most one a minute); logs are taken at {IngestPaths}")]
    public static partial void IngestPathNotFound(ILogger logger, string method, string requestPath, int status, string remoteAddress, long suppressed, string whose, string ingestPaths);
}
