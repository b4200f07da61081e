namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The most frequent values of one <see cref="EventField"/> among the events a query selects, most events first (ties
/// by value, ordinal, null first), with how many distinct values and events there are in all.
/// </summary>
internal sealed record ValueCounts(IReadOnlyList<ValueCount> Values, long Distinct, long Total)
{
    public static readonly ValueCounts None = new([], 0, 0);
}

/// <summary>One value (null: the events without one), its events, how many of them are Error or Critical, and the newest one's time.</summary>
internal sealed record ValueCount(string? Value, long Count, long Errors, DateTimeOffset Newest);
