namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// What the console shows beside a timeline, counted in one pass over the events a query selects
/// (<see cref="IEventStore.SummarizeAsync"/>, <c>GET /api/events/summary</c>): the counts by bucket and level that
/// <see cref="IEventStore.CountByTimeAsync"/> gives, and for each field asked for, in that order, the top values that
/// <see cref="IEventStore.CountByValueAsync"/> gives.
/// </summary>
internal sealed record EventSummary(IReadOnlyList<BucketCount> Counts, IReadOnlyList<ValueCounts> Values);
