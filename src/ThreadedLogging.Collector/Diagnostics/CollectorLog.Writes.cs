namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The store's writes failing and resuming (ids 810-819): one line per change of state, repeats rate-limited (<see cref="Storage.StoreWriteState"/>).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(810, LogLevel.Error, "Writes to the event store fail: {Reason}; ingest answers 503 (clients retry) until a write succeeds")]
    public static partial void StoreWritesFailing(ILogger logger, string reason);

    [LoggerMessage(811, LogLevel.Warning, "Writes to the event store still fail ({Seconds} s since the first): {Reason}; {Refused} requests refused with 503 since the last such line, at most one a minute")]
    public static partial void StoreWritesStillFailing(ILogger logger, long seconds, long refused, string reason);

    [LoggerMessage(812, LogLevel.Information, "Writes to the event store resumed after {Seconds} s; {Refused} requests were refused with 503 meanwhile")]
    public static partial void StoreWritesResumed(ILogger logger, long seconds, long refused);
}
