namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Where events are kept. Implementations serialize writes (one writer) and read on separate
/// connections; nothing outside <c>Storage/&lt;Engine&gt;</c> knows the engine.
/// </summary>
internal interface IEventStore : IAsyncDisposable
{
    /// <summary>Gets a value indicating whether the store is open and accepts writes.</summary>
    bool IsReady { get; }

    /// <summary>Creates the schema if needed and opens the writer.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a batch in one transaction. A batch whose key was stored before is not stored again
    /// (<see cref="AppendResult.Duplicate"/>); an event whose (instance id, sequence) is known is skipped.
    /// </summary>
    Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken);

    /// <summary>Returns events matching the query, newest first, with the cursor of the next page.</summary>
    Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Returns who has logged, most recently seen first.</summary>
    Task<IReadOnlyList<UserSummary>> GetUsersAsync(int limit, CancellationToken cancellationToken);
}
