namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// What led up to an event and what followed: the events of the same process instance just before and
/// after it by sequence, oldest first. Empty lists when the event has no instance or sequence.
/// </summary>
internal sealed record EventContext(IReadOnlyList<StoredEvent> Before, StoredEvent Event, IReadOnlyList<StoredEvent> After);
