using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>A snapshot of a handler's counters.</summary>
public sealed record ThreadedHandlerStatistics
{
    /// <summary>
    /// Gets the number of events accepted into the queue: a count that never goes down. A call below the level that a
    /// <see cref="ThreadedHttpHandler"/>'s start hold let in counts once the level the collector's first answer gave keeps
    /// it, and never when that level leaves it out (neither sent nor dropped: README, levels raised by support); until
    /// then it is not <see cref="Pending"/> either.
    /// </summary>
    public long Enqueued { get; init; }

    /// <summary>Gets the number of events found at start in the spool of a process that had died, and sent by this handler.</summary>
    public long Adopted { get; init; }

    /// <summary>Gets the number of events delivered (including adopted ones).</summary>
    public long Sent { get; init; }

    /// <summary>Gets the number of the app's events lost: queue full, rejected by the receiver, unreadable on the worker (a bug of ours), left at the disposal's deadline, or logged after the disposal began (<see cref="RefusedAfterShutdown"/>); the handler's own notice of drops is not counted, even when it is lost too. A count that never goes down: what the exit of a process that did not dispose the handler left undelivered is <see cref="UndeliveredAtExit"/>, not counted here (it may yet be delivered).</summary>
    public long Dropped { get; init; }

    /// <summary>
    /// Gets the number of log calls refused because the handler's disposal had begun (while it drained, or after it):
    /// counted in <see cref="Dropped"/> too, but never reported as a full queue's drops. The disposal says once how many
    /// its drain refused (self-log, EventSource <c>EventsRefusedAfterShutdown</c>); later calls are counted here only.
    /// </summary>
    public long RefusedAfterShutdown { get; init; }

    /// <summary>
    /// Gets the number of log calls below the configured level that a <see cref="ThreadedHttpHandler"/>'s start hold refused
    /// past its budget: while it waits for the collector's first answer about levels it lets them in only while the queue is
    /// less than a quarter full, so that they never cost the configured level's events room (README, levels raised by
    /// support). Not counted in <see cref="Dropped"/> or <see cref="Enqueued"/>: the level known at the release leaves most of
    /// them out; a rule that asked for their level came too late for them. Said at the release (self-log, EventSource
    /// <c>StartHoldReleased</c>).
    /// </summary>
    public long RefusedInStartHold { get; init; }

    /// <summary>Gets the number of retried send attempts.</summary>
    public long Retried { get; init; }

    /// <summary>Gets the number of failed send attempts (each is retried or ends in a drop).</summary>
    public long Failed { get; init; }

    /// <summary>Gets the number of events written to the durable spool and not yet delivered.</summary>
    public long Spooled { get; init; }

    /// <summary>Gets the number of events queued, in flight or spooled; after a disposal that abandoned the worker, the spooled ones (left for the next start), frozen with the other counts: <see cref="Sent"/> + <see cref="Dropped"/> (less the refused calls) + <see cref="Pending"/> = <see cref="Enqueued"/> + <see cref="Adopted"/> once logging and delivery are quiet (after a <see cref="ThreadedHandler.Flush"/> with no call meanwhile, or a disposal), not at every moment: this count is read at once (an event moving from the queue into flight or to the spool is counted once, never twice or not at all, so with no call meanwhile it only goes down), but the other counters are read one after it, so a snapshot taken while events are sent or dropped may be off by those settled in between.</summary>
    public long Pending { get; init; }

    /// <summary>
    /// Gets the number of events that the exit of a process that did not dispose the handler (a return from <c>Main</c>,
    /// <see cref="Environment.Exit"/>, an unhandled exception) could not deliver within its budget
    /// (<see cref="ThreadedHandlerOptions.ShutdownTimeout"/>) and that are still queued or in flight: lost if the process
    /// ends now, as the self-log and the EventSource's <c>EventsLostAtShutdown</c> said, delivered if it goes on (a host that
    /// disposes the handler later). Counted in <see cref="Pending"/>, not in <see cref="Dropped"/>, which never goes down;
    /// fewer as they are delivered, 0 before the exit and once a disposal counted what it lost in <see cref="Dropped"/>.
    /// The spooled ones stay on disk for the next start, and are not counted here.
    /// </summary>
    public long UndeliveredAtExit { get; init; }

    /// <summary>Gets the capacity of the queue in events.</summary>
    public int Capacity { get; init; }

    /// <summary>
    /// Gets whether the receiver is considered down after consecutive failures: attempts are then probes
    /// spaced by <see cref="ThreadedHandlerOptions.MaxRetryDelay"/>, until one succeeds.
    /// </summary>
    public bool CircuitOpen { get; init; }

    /// <summary>
    /// Gets when the oldest send now waiting for the receiver's answer began; <see langword="null"/> when no send is in
    /// flight. A receiver that takes the connection and never answers holds a send until
    /// <see cref="ThreadedHttpHandlerOptions.RequestTimeout"/> (30 s by default): meanwhile <see cref="Failed"/>,
    /// <see cref="LastError"/> and <see cref="CircuitOpen"/> say nothing, and this is the sign of it (the metric
    /// <c>threadedlogging.send.age</c> gives its age). The handler's clock (<see cref="ThreadedHandlerOptions.TimeProvider"/>).
    /// </summary>
    public DateTimeOffset? SendingSince { get; init; }

    /// <summary>Gets the last error, if any.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets when the last error happened.</summary>
    public DateTimeOffset? LastErrorTime { get; init; }

    /// <summary>Gets the level the handler ships at (for categories no narrower rule or filter covers).</summary>
    public LogLevel Level { get; init; }

    /// <summary>Gets when the collector's level rule that sets <see cref="Level"/> expires; null when <see cref="Level"/> is the configured one.</summary>
    public DateTimeOffset? LevelRuleExpires { get; init; }

    /// <summary>Gets where <see cref="Level"/> comes from: the handler's configuration, or a level rule of the collector (until <see cref="LevelRuleExpires"/>).</summary>
    public LevelSource LevelSource { get; init; }
}
