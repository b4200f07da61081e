namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The storage's changes of state (ids 800-899): a failure said once with its stack trace (id 7), its repeats and its end.</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(800, LogLevel.Warning, "Writing the full-text index still fails (attempt {Attempt}, {Seconds} s since the first): {Reason}; searches answer from what is indexed and say so")]
    public static partial void FullTextIndexStillFailing(ILogger logger, int attempt, long seconds, string reason);

    [LoggerMessage(801, LogLevel.Information, "Full-text indexing resumed after {Seconds} s; {Events} events caught up")]
    public static partial void FullTextIndexResumed(ILogger logger, long seconds, long events);

    [LoggerMessage(802, LogLevel.Warning, "The disk is full: the full-text index is behind ({Events} events; {Work} waits for room, retried in the background); searches may miss those events until then: {Reason}")]
    public static partial void FullTextRepairDeferred(ILogger logger, long events, string work, string reason);
}
