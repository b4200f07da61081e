namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Where events are kept. Implementations serialize writes (one writer) and read on separate
/// connections; nothing outside <c>Storage/&lt;Engine&gt;</c> knows the engine.
/// </summary>
internal interface IEventStore : IAsyncDisposable
{
    /// <summary>Gets a value indicating whether the store is open and accepts writes.</summary>
    bool IsReady { get; }

    /// <summary>Gets the feed of committed ids: every stored event is published there after its commit, in commit order.</summary>
    EventCommitFeed Commits { get; }

    /// <summary>Creates the schema if needed and opens the writer.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a batch in one transaction. A batch whose key was stored before is not stored again
    /// (<see cref="AppendResult.Duplicate"/>); an event whose (instance id, sequence) is known is skipped.
    /// </summary>
    Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Returns events matching the query, newest first, with the cursor of the next page. Full text
    /// and property conditions (<see cref="EventQuery.TextSearch"/>) find what was committed before the call (read your writes).
    /// </summary>
    Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Returns one event by id, or null.</summary>
    Task<StoredEvent?> GetEventAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the event and up to <paramref name="count"/> events of the same instance on each side by
    /// sequence (oldest first) — for an event without an instance and a sequence, of the same app, machine and user by
    /// time (<see cref="EventContext.ByTime"/>) —, or null when there is no such event.
    /// </summary>
    Task<EventContext?> GetContextAsync(long id, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Returns a page of users in the query's order: totals since the first event, the latest error,
    /// and counts, machines and versions within the query's window.
    /// </summary>
    Task<UserPage> GetUsersAsync(UserQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the events the query selects (its <see cref="EventQuery.Limit"/> and cursor ignored) by level in each of
    /// <paramref name="buckets"/>; events outside the buckets are not counted, buckets and levels without events are
    /// left out. Full text finds what was committed before the call, as <see cref="QueryAsync"/> does.
    /// </summary>
    Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken);

    /// <summary>Returns the oldest and newest timestamps of the events the query selects, or null when it selects none.</summary>
    Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the events the query selects (its limit and cursor ignored) by the value of <paramref name="field"/> and
    /// returns the <paramref name="top"/> most frequent values. Full text finds what was committed before the call.
    /// </summary>
    Task<ValueCounts> CountByValueAsync(EventQuery query, EventField field, int top, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the events the query selects (its limit and cursor ignored) by time and level into <paramref name="buckets"/>
    /// and by the value of each of <paramref name="fields"/> at once, reading them once: the same answers as
    /// <see cref="CountByTimeAsync"/> and, for each field, <see cref="CountByValueAsync"/> with <paramref name="top"/>
    /// (<see cref="EventSummary.Values"/> in the order of <paramref name="fields"/>): events outside the buckets are in the
    /// top values, not in the counts by time. Full text finds what was committed before the call.
    /// </summary>
    Task<EventSummary> SummarizeAsync(EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top, CancellationToken cancellationToken);
}
