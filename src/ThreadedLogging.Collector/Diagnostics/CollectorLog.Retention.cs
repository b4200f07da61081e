namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>Retention's lines (ids 13, 14 and 820-829): what a run removed, its failures, the free-space reserve it cannot meet, a WAL held, a late event of a day being removed.</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(13, LogLevel.Information, "Retention removed {ByAge} events older than {Cutoff:O}, {BySize} events to stay under the size cap and {ByFreeSpace} to keep Retention:MinFreeBytes free on the disk; partitions dropped: [{Partitions}]; client instances removed: {Instances}")]
    public static partial void RetentionRemoved(ILogger logger, long byAge, DateTimeOffset cutoff, long bySize, long byFreeSpace, string partitions, long instances);

    [LoggerMessage(14, LogLevel.Error, "Retention failed; it runs again in {Delay} ({Suppressed} more failures of this kind since the last such line, at most one every {Interval}; what it removed before failing is counted)")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, TimeSpan delay, long suppressed, TimeSpan interval);

    [LoggerMessage(820, LogLevel.Warning, "The free-space reserve cannot be met: {FreeBytes} bytes free for the data folder and {ReusableBytes} reusable in the store's files, {MinFreeBytes} wanted (Collector:Retention:MinFreeBytes), and {WalRoomBytes} of room on the filesystem for the write-ahead logs ({WalFileBytes} in their files now); retention has nothing left to remove that would help (deletes free pages inside the files, not the filesystem's bytes); ingest is refused under half of the reserve or the logs' room. Free space on the disk. Retention tries again in {Delay} at the earliest, or as soon as room is back ({Suppressed} more such runs since the last such line, at most one every {Interval})")]
    public static partial void ReserveUnmet(ILogger logger, long freeBytes, long reusableBytes, long minFreeBytes, long walRoomBytes, long walFileBytes, TimeSpan delay, long suppressed, TimeSpan interval);

    [LoggerMessage(821, LogLevel.Information, "Retention ran again after {Failures} failed runs")]
    public static partial void RetentionResumed(ILogger logger, int failures);

    [LoggerMessage(822, LogLevel.Warning, "The data folder {Folder} has {FreeBytes} bytes free and {ReusableBytes} reusable in the store's files, under the free-space reserve of {MinFreeBytes} bytes: retention removes the oldest events now, until that much is free. To keep them, free space on the disk or set Collector:Retention:MinFreeBytes lower (0 turns the reserve off)")]
    public static partial void ReserveRemovesAtStart(ILogger logger, string folder, long freeBytes, long reusableBytes, long minFreeBytes);

    [LoggerMessage(823, LogLevel.Warning, "Collector:Retention:MaxBytes does not count the {WalBytes} bytes of write-ahead log that a reader's snapshot has held past {Wait} (a backup, an export, a long query): removing events would not shrink it, their deletes go into it. It is cut back once the snapshot ends; meanwhile the free-space reserve (Collector:Retention:MinFreeBytes) guards the disk. Said once, until a run finds it cut back")]
    public static partial void RetentionWalHeld(ILogger logger, long walBytes, TimeSpan wait);

    [LoggerMessage(824, LogLevel.Information, "Left out {Removed} of the {Accepted} events of a batch, of {Days} (UTC): retention is removing those days (older than Collector:Retention:MaxAge); stored the rest, counted those as removed for age")]
    public static partial void LateEventsRemovedForAge(ILogger logger, int removed, int accepted, string days);
}
