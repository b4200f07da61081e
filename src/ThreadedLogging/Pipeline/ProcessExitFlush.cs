namespace ThreadedLogging;

/// <summary>
/// Delivers what is queued when the process ends without disposing its handlers, within their shutdown budget: a
/// return from <c>Main</c> or <see cref="Environment.Exit"/> (<see cref="AppDomain.ProcessExit"/>) and an unhandled
/// exception (<see cref="AppDomain.UnhandledException"/>: .NET raises no ProcessExit then), as NLog flushes at exit.
/// A worker is a background thread: without this it dies with the process, and the events logged last — often the
/// ones that say why the process ended — are lost. Every live handler flushes at once, so the end waits for the
/// longest budget, not their sum. Disposing the handler unregisters it.
/// </summary>
/// <remarks>
/// <para>ProcessExit handlers run one after the other in the order they were added, and the process ends after the last:
/// an app's own handler added after ours (a "shutting down" line) logs after this flush, when no worker would send
/// in time. So, from the start of the exit, every log call of a live handler waits for its own delivery
/// (<see cref="EventQueue.BeginExit"/>) until the exit budget is spent. A host that disposes its handlers later (the
/// service provider's disposal) still drains what is left.</para>
/// <para>The process may end as soon as the flush or a late call returns, so what they leave undelivered is reported
/// then (self-log, EventSource <c>EventsLostAtShutdown</c>) and counted in the handler's
/// <see cref="ThreadedHandlerStatistics.UndeliveredAtExit"/> (part of Pending, not of Dropped), by count,
/// not by event: each report makes the net count reported lost (lost less "delivered after all") what is in memory and
/// unsettled at that moment (<see cref="DeliveryLedger.InMemory"/>, read under the report's lock), and a later disposal
/// sets it to what the disposal lost (<see cref="Reconcile"/>). So the net count is exact at every report and at the
/// disposal, whichever threads log and in whatever order the events are delivered.</para>
/// <para>With a spool (<see cref="ThreadedHandlerOptions.BufferDirectory"/>), the flush and each late call also end once a
/// send has just failed with everything logged on disk (<see cref="Outcome.OnDisk"/>), as a disposal does: nothing is lost
/// then, the next start sends it, and an app offline no longer waits out its whole budget at its end.</para>
/// </remarks>
internal sealed class ProcessExitFlush : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<ProcessExitFlush> Live = [];
    private static bool s_subscribed;

    private readonly Func<CancellationToken, Task<Outcome>> _flush;
    private readonly Func<string?> _lastError;
    private readonly TimeSpan _budget;
    private readonly EventQueue _queue;
    private readonly DeliveryLedger _ledger;
    private readonly Action<string> _report;
    private readonly Lock _reports = new();
    private long _reportedLost; // net: reported lost at the exit less reported delivered after all; under _reports
    private bool _reconciled; // a disposal counted what it lost: later reports change nothing; under _reports
    private CancellationTokenSource _exitBudget = new(); // replaced at the exit by one cancelled when its budget is spent
    private long _deadline; // Environment.TickCount64 at which the exit budget is spent
    private double _exitBudgetMs;
    private int _reportedLate;

    /// <param name="flush">The handler's flush.</param>
    /// <param name="budget">How long the process's end may wait for it (<see cref="ThreadedHandlerOptions.ShutdownTimeout"/>).</param>
    /// <param name="queue">The handler's queue, whose calls wait for their delivery once the process is exiting.</param>
    /// <param name="ledger">The handler's books: what is queued or in flight and unsettled is lost if the process ends now (<see cref="DeliveryLedger.InMemory"/>).</param>
    /// <param name="report">Where what the exit could not deliver is reported (the self-log).</param>
    /// <param name="lastError">The handler's last failure (<see cref="ThreadedHandlerStatistics.LastError"/>): why what stays on disk was not sent.</param>
    public ProcessExitFlush(Func<CancellationToken, Task<Outcome>> flush, TimeSpan budget, EventQueue queue, DeliveryLedger ledger, Action<string> report, Func<string?> lastError)
    {
        _flush = flush;
        _lastError = lastError;
        _budget = budget;
        _queue = queue;
        _ledger = ledger;
        _report = report;
        lock (Gate)
        {
            if (!s_subscribed)
            {
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => FlushAll();
                AppDomain.CurrentDomain.UnhandledException += static (_, e) =>
                {
                    if (e.IsTerminating)
                    {
                        UnhandledExceptionLog.LogCrash(e.ExceptionObject); // queued first: the flush delivers it
                        FlushAll();
                    }
                };
                s_subscribed = true;
            }

            Live.Add(this);
        }
    }

    /// <summary>How the handler's flush at the exit ended.</summary>
    internal enum Outcome
    {
        /// <summary>Not everything was delivered: the budget was spent (or a disposal meanwhile lost events).</summary>
        NotDelivered,

        /// <summary>Everything logged before it was delivered (or dropped for good).</summary>
        Delivered,

        /// <summary>With a spool: a send just failed with everything logged on disk, where the next start sends it.</summary>
        OnDisk,
    }

    /// <summary>Gets the events reported lost while the process exited and not reported delivered since (net); 0 before the exit.</summary>
    public long ReportedLost
    {
        get
        {
            lock (_reports)
            {
                return _reportedLost;
            }
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Live.Remove(this);
        }
    }

    /// <summary>
    /// Tests: this handler as the process's exit flushes it, with an exit budget of <paramref name="budget"/> (the real
    /// exit flushes every live handler once, at the end of the process, within <see cref="ThreadedHandlerOptions.ShutdownTimeout"/>).
    /// </summary>
    internal Task ExitAsync(TimeSpan budget)
    {
        BeginExit(budget);
        return FlushAsync();
    }

    /// <summary>Tests: the exit budget is spent now (the exit's flush and every late call waiting for its delivery give up).</summary>
    internal void SpendExitBudget()
    {
        Volatile.Write(ref _deadline, Environment.TickCount64);
        Volatile.Read(ref _exitBudget).Cancel();
    }

    /// <summary>Tests: called on a late call's thread as it begins to wait for its delivery (<see cref="DeliverLate"/>).</summary>
    internal Action? LateCallWaiting { get; set; }

    /// <summary>
    /// At the handler's disposal, after the exit: the disposal lost <paramref name="lost"/> events (exact: its worker
    /// stopped). Returns how many of them were not reported lost at the exit (to report now) and how many reported lost
    /// then were delivered after all, so that the net count reported is <paramref name="lost"/>.
    /// </summary>
    public (long NotYetReported, long DeliveredAfterAll) Reconcile(long lost)
    {
        lock (_reports)
        {
            var reported = _reportedLost;
            _reportedLost = lost;
            _reconciled = true; // a late call that gives up after this (the disposal released its wait) reports nothing
            return (Math.Max(0, lost - reported), Math.Max(0, reported - lost));
        }
    }

    private static void FlushAll()
    {
        ProcessExitFlush[] live;
        lock (Gate)
        {
            live = [.. Live];
        }

        foreach (var handler in live)
        {
            handler.BeginExit(handler._budget);
        }

        Task.WaitAll([.. live.Select(handler => handler.FlushAsync())]);
    }

    private void BeginExit(TimeSpan budget)
    {
        _exitBudgetMs = budget.TotalMilliseconds;
        Volatile.Write(ref _deadline, Environment.TickCount64 + (long)budget.TotalMilliseconds);
        Volatile.Write(ref _exitBudget, new CancellationTokenSource(budget)); // not disposed: late calls read it until the process ends
        _queue.BeginExit(DeliverLate);
    }

    /// <summary>A log call made while the process exits: wait for delivery until the exit budget is spent; else report it.</summary>
    private void DeliverLate()
    {
        var budget = Volatile.Read(ref _exitBudget).Token;
        var left = Volatile.Read(ref _deadline) - Environment.TickCount64;
        var outcome = Outcome.NotDelivered;
        if (left > 0 && !budget.IsCancellationRequested)
        {
            try
            {
                // A timed wait, not GetResult: the flush completes on a pool thread, which a pool busy with other late
                // calls may not give in time (nor the timer that cancels the budget); the deadline holds even then.
                var flush = _flush(budget);
                LateCallWaiting?.Invoke();
                outcome = flush.Wait(TimeSpan.FromMilliseconds(left), budget) ? flush.Result : Outcome.NotDelivered;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Reported below: nothing may be thrown into the app's log call.
            }
        }

        if (outcome == Outcome.OnDisk)
        {
            return; // this call's event is on disk with the rest, for the next start: nothing lost, nothing to report
        }

        if (outcome == Outcome.Delivered)
        {
            if (ReportedLost > 0)
            {
                ReportInMemory(); // what was reported lost before may have gone with this call's delivery: say so now
            }

            return;
        }

        // This call's event, and whatever else is undelivered, reported now: the process may end as soon as the call returns.
        var lost = ReportInMemory();
        if (Interlocked.Exchange(ref _reportedLate, 1) == 0)
        {
            _report($"Events logged while the process exits could not be delivered within the exit budget (ShutdownTimeout, {_exitBudgetMs} ms); {Counted.Events(lost)} not delivered now {Counted.Agree(lost, "is", "are")} lost unless the handler is disposed before the process ends.");
        }
    }

    /// <summary>
    /// Makes the net count reported lost what is in memory and unsettled now: reports the difference as lost, or as
    /// delivered after all. Returns that count.
    /// </summary>
    private long ReportInMemory()
    {
        long now, change;
        lock (_reports)
        {
            if (_reconciled)
            {
                return _reportedLost;
            }

            now = _ledger.InMemory(() => _queue.EnqueuedAtLevel);
            change = now - _reportedLost;
            _reportedLost = now;
        }

        if (change > 0)
        {
            ThreadedLoggingEventSource.Log.EventsLostAtShutdown(change);
        }
        else if (change < 0)
        {
            ThreadedLoggingEventSource.Log.LateEventsDelivered(-change);
            _report($"{Counted.Events(-change)} reported lost while the process exits {Counted.Agree(-change, "was", "were")} delivered after all.");
        }

        return now;
    }

    private async Task FlushAsync()
    {
        var started = Environment.TickCount64;
        var outcome = Outcome.NotDelivered;
        try
        {
            outcome = await _flush(Volatile.Read(ref _exitBudget).Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The process is ending: nothing may be thrown into its exit.
        }

        if (outcome == Outcome.OnDisk)
        {
            var spooled = _ledger.Spooled;
            _report($"The process is exiting without disposing the handler: {Counted.Events(spooled)} {Counted.Agree(spooled, "was", "were")} not delivered: sending failed ({_lastError() ?? "no reason given"}); {Counted.Agree(spooled, "it stays", "they stay")} in the spool (BufferDirectory) for the next start, which sends {Counted.Agree(spooled, "it", "them")} (the exit did not wait out the rest of its budget, ShutdownTimeout, {_exitBudgetMs} ms; waited {Environment.TickCount64 - started} ms).");
        }
        else if (outcome == Outcome.NotDelivered)
        {
            var waited = Environment.TickCount64 - started;
            var lost = ReportInMemory();
            var spooled = _ledger.Spooled;
            var budget = $"the exit budget (ShutdownTimeout, {_exitBudgetMs} ms; waited {waited} ms)";
            if (lost > 0)
            {
                var onDisk = spooled > 0 ? $"; {spooled} more {Counted.Agree(spooled, "stays", "stay")} in the spool (BufferDirectory) for the next start" : string.Empty;
                _report($"The process is exiting without disposing the handler: {Counted.Events(lost)} {Counted.Agree(lost, "was", "were")} not delivered within {budget} and {Counted.Agree(lost, "is", "are")} lost unless the handler is disposed before the process ends{onDisk}.");
            }
            else if (spooled > 0)
            {
                _report($"The process is exiting without disposing the handler: {Counted.Events(spooled)} {Counted.Agree(spooled, "was", "were")} not delivered within {budget}; {Counted.Agree(spooled, "it stays", "they stay")} in the spool (BufferDirectory) for the next start.");
            }
        }
    }
}
