namespace ThreadedLogging.Collector.Storage;

/// <summary>One page of a query, newest first; <paramref name="Next"/> is null on the last page.</summary>
internal sealed record EventPage(IReadOnlyList<StoredEvent> Events, EventCursor? Next);
