namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about exports (<c>GET /api/events/export</c>; ids 400+).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(400, LogLevel.Information, "Exported {Events} events as {Format} ({Outcome})")]
    public static partial void Exported(ILogger logger, long events, string format, string outcome);

    [LoggerMessage(401, LogLevel.Debug, "Export stopped after {Events} events: the client went away")]
    public static partial void ExportStopped(ILogger logger, long events);

    [LoggerMessage(402, LogLevel.Error, "Export failed after {Events} events; the response was aborted")]
    public static partial void ExportFailed(ILogger logger, Exception exception, long events);
}
