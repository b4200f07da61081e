namespace ThreadedLogging.Collector.Storage;

/// <summary>How an erasure (<see cref="IUserErasure"/>) cuts its work: events deleted per transaction, and a step between two.</summary>
/// <param name="Events">Events deleted per transaction (the write lock is held that long, never between two).</param>
/// <param name="BetweenChunks">Run after a chunk is committed and before the next begins (tests: ingest meanwhile).</param>
internal sealed record ErasureChunking(int Events, Func<Task>? BetweenChunks = null)
{
    /// <summary>The default: 2,000 events per transaction, as retention deletes them (a few milliseconds of the lock).</summary>
    public static ErasureChunking Default { get; } = new(2000);
}
