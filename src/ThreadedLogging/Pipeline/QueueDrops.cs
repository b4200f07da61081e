using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The log calls the queue refused: those a full queue refused (how many, when the first and last were, and the warning
/// event the worker ships about them), and apart from them those made after the handler's disposal began, which the
/// disposal reports once. Producers count; only the worker takes notices.
/// </summary>
internal sealed class QueueDrops(TimeProvider time, SelfLog selfLog)
{
    /// <summary>The category of the events the pipeline writes about itself (drop notices).</summary>
    internal const string OwnCategory = "ThreadedLogging";

    /// <summary>
    /// The property of every drop notice, the queue's and the spool's, that names its reason (<see cref="SpoolDropReason"/>'s
    /// name: the queue's is <see cref="SpoolDropReason.QueueFull"/>): a notice is read by it, not by its wording.
    /// </summary>
    internal const string ReasonProperty = "Reason";

    private readonly bool _systemClock = ReferenceEquals(time, TimeProvider.System);
    private DropTally _full; // log calls refused because the queue was full
    private DropTally _reentrant; // log calls made at a third level of log calls on one thread: dropped, not for lack of room
    private long _afterShutdown; // log calls refused because the disposal had begun (the queue closed)
    private long _heldRefused; // calls below the level that the start's hold refused past its budget: no drops
    private long _objects; // of _full: calls refused because the table of calls kept as objects had no free slot, not the bytes
    private long _reportedObjects; // worker only: how many of _objects the drop notices covered so far
    private long _lastClockTick;

    /// <summary>Gets how many log calls were refused so far, for a full queue or after the disposal began.</summary>
    public long Count => _full.Count + _reentrant.Count + AfterShutdown;

    /// <summary>Gets how many log calls were refused because the handler's disposal had begun.</summary>
    public long AfterShutdown => Volatile.Read(ref _afterShutdown);

    /// <summary>
    /// Gets how many calls below their logger's level the start's hold refused past its budget (<see cref="LevelHold"/>):
    /// neither enqueued nor dropped (the level in force at the release leaves most of them out; a rule that lets them in
    /// came too late for them).
    /// </summary>
    public long HeldRefused => Volatile.Read(ref _heldRefused);

    /// <summary>A log call came after the disposal began (the queue is closed): count it apart, as no full queue's drop.</summary>
    public void AddAfterShutdown() => Interlocked.Increment(ref _afterShutdown);

    /// <summary>A call below its logger's level found the start hold's budget spent: count it apart, as no drop.</summary>
    public void AddHeldRefused() => Interlocked.Increment(ref _heldRefused);

    /// <summary>
    /// At the start hold's release: says that it ended (EventSource), and how many calls its budget refused, if any
    /// (self-log too). A call racing the release and refused after it is counted in <see cref="HeldRefused"/> only.
    /// </summary>
    /// <param name="instanceId">The handler's instance.</param>
    public void ReportHoldReleased(string instanceId)
    {
        var refused = HeldRefused;
        ThreadedLoggingEventSource.Log.StartHoldReleased(instanceId, refused);
        if (refused > 0)
        {
            selfLog.Write($"{Counted.Of(refused, "log call", "log calls")} below the configured level {Counted.Agree(refused, "was", "were")} refused while the start waited for the collector's levels: the queue was a quarter full (the start hold's budget). Not counted as dropped.");
        }
    }

    /// <summary>
    /// At the end of the disposal: says once how many log calls its drain refused (self-log and EventSource). Those made
    /// after it are counted in <see cref="AfterShutdown"/> only: nothing reads the handler's reports any more.
    /// </summary>
    public void ReportAfterShutdown()
    {
        var count = AfterShutdown;
        if (count > 0)
        {
            ThreadedLoggingEventSource.Log.EventsRefusedAfterShutdown(count);
            selfLog.Write($"{Counted.Of(count, "log call", "log calls")} made after the handler's disposal began {Counted.Agree(count, "was", "were")} refused (not sent).");
        }
    }

    /// <summary>
    /// A log call made by app code inside a log call inside a log call on one thread (<see cref="CallerThread.Reentered"/>
    /// had no frame left): dropped and counted apart from a full queue's drops, so that its notice names its own reason
    /// (<see cref="SpoolDropReason.Reentrant"/>), not "the queue was full". Rare: the clock is read on each.
    /// </summary>
    public void AddReentrant() => _reentrant.Add(time.GetUtcNow().UtcTicks);

    /// <summary>When re-entrant calls were dropped since the last notice, one warning event saying how many and when. Worker only.</summary>
    public LogEvent? TakeReentrantNotice() =>
        _reentrant.TryTake(out var count, out var first, out var last)
            ? Notice(count, first, last, SpoolDrops.Why(SpoolDropReason.Reentrant), SpoolDropReason.Reentrant)
            : null;

    /// <summary>A log call found the queue full: count it, and remember when, for the drop notice.</summary>
    public void Add()
    {
        // When: the precise clock costs as much as the rest of a drop (~40 ns of vDSO on a slow VM), and a queue
        // stays full for many calls. With the system clock it is read at most once per coarse tick
        // (Environment.TickCount64, 1–4 ms), so the notice's times are right to within a tick; an injected
        // TimeProvider is read on every drop.
        if (_systemClock)
        {
            var tick = Environment.TickCount64;
            if (tick == Volatile.Read(ref _lastClockTick) && _full.Stamped)
            {
                _full.AddUnstamped();
                return;
            }

            Volatile.Write(ref _lastClockTick, tick);
        }

        _full.Add(time.GetUtcNow().UtcTicks);
    }

    /// <summary>
    /// A log call that had to be kept as an object found no free slot in the table of those (<see cref="ObjectSlots"/>,
    /// whose index space outlasts <see cref="ThreadedHandlerOptions.MaxQueueBytes"/>: a rare race, not a limit): a full
    /// queue's drop, told apart in the notice.
    /// </summary>
    public void AddObjectTableFull()
    {
        Add();
        Interlocked.Increment(ref _objects); // after the drop's count: a notice that sees it has counted its drop (TakeNotice reads this first)
    }

    /// <summary>When drops happened since the last notice, one warning event saying how many and when. Worker only.</summary>
    public LogEvent? TakeNotice()
    {
        var objectsDropped = Volatile.Read(ref _objects); // first: each drop it counts is in _full already
        if (!_full.TryTake(out var count, out var first, out var last)) // a full queue's drops only: a call after the disposal began is no such drop
        {
            return null;
        }

        var objects = objectsDropped - _reportedObjects;
        _reportedObjects = objectsDropped;
        var why = objects == 0
            ? "the queue was full"
            : $"the queue was full; {objects} of them {Counted.Agree(objects, "was a call", "were calls")} kept as objects (with an exception, or a value other than text, a number, bool, date, time span or guid, such as {{@Order}}), that found no free slot in the table of those";
        return Notice(count, first, last, why, SpoolDropReason.QueueFull);
    }

    private LogEvent Notice(long count, DateTimeOffset first, DateTimeOffset last, string why, SpoolDropReason reason)
    {
        ThreadedLoggingEventSource.Log.EventsDropped(count);
        selfLog.Write($"{Counted.Events(count)} dropped between {first:O} and {last:O}: {why}.");
        var message = $"ThreadedLogging dropped {Counted.Events(count)} between {first:O} and {last:O}: {why}";
        var notice = LogEvent.Create(
            time.GetUtcNow(),
            LogLevel.Warning,
            OwnCategory,
            message,
            new("DroppedCount", count),
            new("FirstDrop", first),
            new("LastDrop", last),
            new(ReasonProperty, reason.ToString()));
        notice.IsExtra = true;
        return notice;
    }
}
