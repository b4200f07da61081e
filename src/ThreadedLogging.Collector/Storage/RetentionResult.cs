namespace ThreadedLogging.Collector.Storage;

/// <summary>What one retention run removed.</summary>
/// <param name="Cutoff">Events older than this were removed.</param>
/// <param name="ByAge">Events removed for being older than <see cref="RetentionOptions.MaxAge"/>.</param>
/// <param name="BySize">Events removed, oldest first, to stay under <see cref="RetentionOptions.MaxBytes"/>.</param>
/// <param name="Partitions">Whole partitions dropped (PostgreSQL), by name.</param>
/// <param name="Instances">Client instances removed with their last event (SQLite's <c>instances</c>; PostgreSQL keeps the instance id in each event).</param>
/// <param name="ByFreeSpace">Events removed, oldest first, to keep <see cref="RetentionOptions.MinFreeBytes"/> free (SQLite).</param>
/// <param name="ReserveUnmet">Set when the run ended under the reserve with nothing left to remove (SQLite).</param>
/// <param name="WalHeldBytes">The bytes of WAL that a reader's snapshot held past the wait at the size cap's last
/// measure, which it did not count (SQLite; 0: none held, or no cap).</param>
internal sealed record RetentionResult(DateTimeOffset Cutoff, long ByAge, long BySize, IReadOnlyList<string> Partitions, long Instances = 0, long ByFreeSpace = 0, ReserveShortfall? ReserveUnmet = null, long WalHeldBytes = 0)
{
    /// <summary>Gets the events removed for any reason.</summary>
    public long Removed => ByAge + BySize + ByFreeSpace;
}
