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
/// ProcessExit handlers run one after the other in the order they were added, and the process ends after the last:
/// an app's own handler added after ours (a "shutting down" line) logs after this flush, when no worker would send
/// in time. So, from the start of the exit, every log call of a live handler waits for its own delivery
/// (<see cref="EventQueue.BeginExit"/>) until the exit budget is spent; a call that cannot be delivered by then is
/// reported (self-log, EventSource <c>EventsLostAtShutdown</c>) instead of vanishing with the process. A host that
/// disposes its handlers later (the service provider's disposal) still drains what is left.
/// </remarks>
internal sealed class ProcessExitFlush : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<ProcessExitFlush> Live = [];
    private static bool s_subscribed;

    private readonly Func<CancellationToken, Task<bool>> _flush;
    private readonly TimeSpan _budget;
    private readonly EventQueue _queue;
    private readonly Action<string> _report;
    private readonly List<long> _reportedLost = []; // the positions (enqueued count) of the late calls reported lost
    private long _deadline; // Environment.TickCount64 at which the exit budget is spent
    private int _reportedLate;

    /// <param name="flush">The handler's flush.</param>
    /// <param name="budget">How long the process's end may wait for it (<see cref="ThreadedHandlerOptions.ShutdownTimeout"/>).</param>
    /// <param name="queue">The handler's queue, whose calls wait for their delivery once the process is exiting.</param>
    /// <param name="report">Where a late event that could not be delivered in the budget is reported (the self-log).</param>
    public ProcessExitFlush(Func<CancellationToken, Task<bool>> flush, TimeSpan budget, EventQueue queue, Action<string> report)
    {
        _flush = flush;
        _budget = budget;
        _queue = queue;
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
                        FlushAll();
                    }
                };
                s_subscribed = true;
            }

            Live.Add(this);
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Live.Remove(this);
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
            handler.BeginExit();
        }

        Task.WaitAll([.. live.Select(handler => handler.FlushAsync())]);
    }

    private void BeginExit()
    {
        Volatile.Write(ref _deadline, Environment.TickCount64 + (long)_budget.TotalMilliseconds);
        _queue.BeginExit(DeliverLate);
    }

    /// <summary>A log call made while the process exits: wait for delivery until the exit budget is spent; else report it.</summary>
    private void DeliverLate()
    {
        var left = Volatile.Read(ref _deadline) - Environment.TickCount64;
        if (left > 0)
        {
            using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(left));
            try
            {
                // A timed wait, not GetResult: the flush completes on a pool thread, which a pool busy with other late
                // calls may not give in time; the deadline holds even then.
                var delivered = _flush(budget.Token);
                if (delivered.Wait(TimeSpan.FromMilliseconds(left)) && delivered.Result)
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Reported below: nothing may be thrown into the app's log call.
            }
        }

        // This call's event, reported now: the process may end as soon as the call returns. A host that disposes the
        // handler later may still deliver it; the disposal then says so (Reconcile), and does not count it lost again.
        lock (_reportedLost)
        {
            _reportedLost.Add(_queue.Enqueued);
        }

        ThreadedLoggingEventSource.Log.EventsLostAtShutdown(1);
        if (Interlocked.Exchange(ref _reportedLate, 1) == 0)
        {
            _report($"Events logged while the process exits could not be delivered within the exit budget ({_budget.TotalMilliseconds} ms); {_queue.Count} queued now are lost unless the handler is disposed before the process ends.");
        }
    }

    /// <summary>
    /// At the handler's disposal, after the exit (a host disposes its providers when its own ProcessExit handler runs):
    /// of the late calls reported lost, how many are still lost (the events from position <paramref name="firstLost"/>
    /// on were not delivered: they are not to be reported again) and how many the disposal delivered after all.
    /// </summary>
    public (long AlreadyReported, long DeliveredAfterAll) Reconcile(long firstLost)
    {
        lock (_reportedLost)
        {
            var still = _reportedLost.Count(position => position >= firstLost);
            return (still, _reportedLost.Count - still);
        }
    }

    private async Task FlushAsync()
    {
        using var budget = new CancellationTokenSource(_budget);
        try
        {
            await _flush(budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The process is ending: nothing may be thrown into its exit.
        }
    }
}
