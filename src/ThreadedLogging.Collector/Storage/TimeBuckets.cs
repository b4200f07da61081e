namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Equal slices of time for counting events (<c>GET /api/events/histogram</c>): <see cref="Count"/> buckets of
/// <see cref="Width"/> from <see cref="Start"/>; bucket <c>i</c> holds <c>[Start + i·Width, Start + (i+1)·Width)</c>.
/// </summary>
internal readonly record struct TimeBuckets(DateTimeOffset Start, TimeSpan Width, int Count)
{
    /// <summary>Gets the end of the last bucket (exclusive).</summary>
    public DateTimeOffset End => Start + (Width * Count);
}
