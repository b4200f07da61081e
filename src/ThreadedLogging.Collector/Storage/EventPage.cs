namespace ThreadedLogging.Collector.Storage;

/// <summary>One page of a query, newest first; <paramref name="Next"/> is null on the last page.</summary>
internal sealed record EventPage(IReadOnlyList<StoredEvent> Events, EventCursor? Next)
{
    /// <summary>Gets a value indicating whether a full-text search answered before the index held every event committed before it (SQLite).</summary>
    public bool IndexBehind { get; init; }

    /// <summary>Gets how many committed events the full-text index did not hold yet when <see cref="IndexBehind"/> (matches among them are missing).</summary>
    public long IndexBehindEvents { get; init; }

    /// <summary>The page of a query that asked for <paramref name="limit"/> + 1 events: the extra one, if any, says there is a next page.</summary>
    public static EventPage FromOneMore(List<StoredEvent> events, int limit)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count <= limit)
        {
            return new EventPage(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new EventPage(events, events[^1].Cursor);
    }
}
