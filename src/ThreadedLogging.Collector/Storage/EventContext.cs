using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// What led up to an event and what followed, oldest first. An event with a process instance and a sequence (the
/// ThreadedLogging client's): the same instance's events just before and after it by sequence. Any other (Serilog's
/// CLEF, OTLP, Python's HTTPHandler: no sequence, which only our client sends) by time (<see cref="ByTime"/>): the events
/// of the same app and machine — and user, when it has one — just before and after it, within <see cref="TimeWindow"/>
/// either side; an app, machine or user it was sent without matches the events sent without one.
/// </summary>
internal sealed record EventContext(IReadOnlyList<StoredEvent> Before, StoredEvent Event, IReadOnlyList<StoredEvent> After, bool ByTime = false)
{
    /// <summary>
    /// How far from the event its context by time reaches on each side: "what happened just before this on that machine",
    /// and a bound on what the stores read for it (an app and machine whose other events are days away is not scanned
    /// back to them).
    /// </summary>
    public static readonly TimeSpan TimeWindow = TimeSpan.FromHours(1);

    /// <summary>Gets the fields an event's context by time shares with it: app and machine, and user when it has one.</summary>
    public IReadOnlyList<string>? Same => ByTime ? Event.User is null ? ["app", "machine"] : ["app", "machine", "user"] : null;

    /// <summary>Gets the start of the window of a context by time (null by sequence).</summary>
    public DateTimeOffset? WindowFrom => ByTime ? Event.Timestamp - TimeWindow : null;

    /// <summary>Gets the end of the window of a context by time (null by sequence).</summary>
    public DateTimeOffset? WindowTo => ByTime ? Event.Timestamp + TimeWindow : null;

    /// <summary>
    /// The ids that bound the context by time of <paramref name="stored"/>: ids sort like timestamps in both stores
    /// (<see cref="SqliteEventIds"/>), so the list's order, newest first by id, is the time order read here.
    /// </summary>
    public static (long From, long To) TimeBounds(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return (SqliteEventIds.First(stored.Timestamp - TimeWindow), SqliteEventIds.After(stored.Timestamp + TimeWindow));
    }
}
