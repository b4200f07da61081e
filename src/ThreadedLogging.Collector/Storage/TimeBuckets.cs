namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Equal slices of time for counting events (<c>GET /api/events/histogram</c>): <see cref="Count"/> buckets of
/// <see cref="Width"/> from <see cref="Start"/>; bucket <c>i</c> holds <c>[Start + i·Width, Start + (i+1)·Width)</c>.
/// </summary>
internal readonly record struct TimeBuckets(DateTimeOffset Start, TimeSpan Width, int Count)
{
    /// <summary>Gets the end of the last bucket (exclusive), or the latest time there is when the buckets reach past it.</summary>
    public DateTimeOffset End => Width.Ticks * Count >= DateTimeOffset.MaxValue.UtcTicks - Start.UtcTicks ? DateTimeOffset.MaxValue : Start + (Width * Count);

    /// <summary>The query with its time bounds narrowed to the buckets: what a count by bucket reads (the end is exclusive).</summary>
    public EventQuery Within(EventQuery query) => query with
    {
        From = query.From is { } from && from > Start ? from : Start,
        To = query.To is { } to && to < End ? to : End - TimeSpan.FromTicks(1),
    };
}
