namespace ThreadedLogging;

/// <summary>The handler's disposal (drain within the budget, count the losses, stop) and the process's exit flush racing it.</summary>
public partial class ThreadedHandler
{
    private Task? _disposal; // the first disposal's work, set once: later calls wait for it

    /// <summary>
    /// Drains the queue within <see cref="ThreadedHandlerOptions.ShutdownTimeout"/>, then stops and disposes the sink; returns
    /// by then (plus 250 ms for a sink that ignores the deadline, then abandoned and disposed when its send ends, not waited
    /// for; plus the sink's own disposal when it stopped in time) whatever the receiver does. A second call while the first drains waits for it (at most the same budget), as Serilog's
    /// <c>Log.CloseAndFlush</c>: code after either call can rely on what was delivered being delivered.
    /// </summary>
    /// <remarks>
    /// After it, <see cref="Flush"/> answers whether the disposal delivered everything logged before it, and a log call is
    /// refused and counted in <see cref="ThreadedHandlerStatistics.Dropped"/> (never thrown, never sent).
    /// </remarks>
    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Drains the queue within <see cref="ThreadedHandlerOptions.ShutdownTimeout"/>, then stops and disposes the sink; returns
    /// by then (plus 250 ms for a sink that ignores the deadline, then abandoned and disposed when its send ends, not waited
    /// for; plus the sink's own disposal when it stopped in time) whatever the receiver does. A second call while the first drains waits for it (at most the same budget).
    /// </summary>
    /// <remarks>
    /// After it, <see cref="FlushAsync"/> answers whether the disposal delivered everything logged before it, and a log
    /// call is refused and counted in <see cref="ThreadedHandlerStatistics.Dropped"/> (never thrown, never sent).
    /// </remarks>
    /// <returns>A task that completes when the handler has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposal, mine.Task, null) is { } first)
        {
            // Another call is disposing: wait for it, not past the budget it has (its drain and a hung sink's grace).
            await first.WaitAsync(_shutdownTimeout + BatchWorker.Grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        try
        {
            await StopAsync().ConfigureAwait(false);
            mine.SetResult();
        }
        catch (Exception e)
        {
            mine.SetException(e);
            throw;
        }
        finally
        {
            ThreadedLoggingMetrics.Retire(this); // even when a sink's disposal threw: the meter keeps no disposed handler
        }
    }

    /// <summary>
    /// The process's exit flush (<see cref="ProcessExitFlush"/>): <see cref="FlushAsync"/>, or, when the host disposes the
    /// handler meanwhile (<c>ProcessExit</c> racing the host's disposal), the wait for that disposal within the exit's
    /// budget: the disposal drains the queue and reports what it loses, so the exit neither drains a second time nor
    /// reports those events lost again. With a spool it also ends, <see cref="ProcessExitFlush.Outcome.OnDisk"/>, once a
    /// send has just failed with everything logged on disk, as a disposal does (<see cref="BatchWorker.AllOnDiskAfterFailedSend"/>):
    /// before, an app offline that ended without disposing waited its whole budget, retrying what the next start sends.
    /// </summary>
    private async Task<ProcessExitFlush.Outcome> FlushAtExitAsync(CancellationToken cancellationToken)
    {
        ReleaseLevelHold(); // the process is ending: no waiting for the collector's first answer
        var onDisk = _worker.AllOnDiskAfterFailedSend(); // before the flush wakes the worker
        var flush = FlushAsync(cancellationToken);
        if (onDisk is not null)
        {
            await Task.WhenAny(flush, onDisk).ConfigureAwait(false);
            if (!flush.IsCompleted)
            {
                return ProcessExitFlush.Outcome.OnDisk;
            }
        }

        if (await flush.ConfigureAwait(false))
        {
            return ProcessExitFlush.Outcome.Delivered;
        }

        if (Volatile.Read(ref _disposal) is not { } disposal)
        {
            return ProcessExitFlush.Outcome.NotDelivered;
        }

        await disposal.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return disposal.IsCompletedSuccessfully ? ProcessExitFlush.Outcome.Delivered : ProcessExitFlush.Outcome.NotDelivered;
    }

    /// <summary>The first disposal: stops the pipeline, counts and reports what it could not deliver, disposes the sink.</summary>
    private async Task StopAsync()
    {
        _exitFlush.Dispose();
        _unhandledExceptions?.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(subscription => subscription.Dispose());
            _subscriptions.Clear();
        }

        ReleaseLevelHold(); // what the hold let in is filtered at the levels known now (no answer: the configured ones)
        _queue.Close();

        var stopped = await _worker.StopAsync().ConfigureAwait(false);
        if (!stopped)
        {
            // The worker ignores cancellation (a sink that hangs): from now on it changes no counter,
            // so what is counted lost below is counted once, whatever it still does.
            _ledger.Freeze();
            _selfLog.Write("The sink did not stop within the shutdown budget; it was abandoned.");
        }

        var lost = stopped ? _ledger.CountLost(_queue.Clear()) : _ledger.CountLostOfAbandoned(_queue.Enqueued);
        _queue.Dispose();
        ReportLost(lost);
        _queue.Drops.ReportAfterShutdown();

        if (stopped)
        {
            _worker.CloseSpool();
        }
        else
        {
            _worker.CloseSpoolWhenStopped();
        }

        _ledger.ReleaseWaiters();
        Levels.Dispose();
        await _worker.DisposeSinkAsync(stopped).ConfigureAwait(false); // abandoned: once the worker stops, not waited for
        _worker.Dispose();
    }

    /// <summary>
    /// <see cref="ThreadedHandlerStatistics.Enqueued"/>, a count that never goes back, and how many held calls the worker has
    /// not decided yet (<see cref="LevelHold"/>). The calls at their logger's level count at the call; a call the start's
    /// hold let in below it counts once the release's level keeps it (<see cref="DeliveryLedger.KeepHeld"/>), never when it
    /// is left out: counted at the call and taken off at the release, the count went down (found adopting the client).
    /// Undecided, a held call is neither enqueued nor pending. Once the books are frozen (a worker abandoned at shutdown)
    /// the undecided ones are counted lost with the rest of the queue: enqueued then, as dropped.
    /// </summary>
    private (long Enqueued, long Undecided) EnqueuedAndUndecided()
    {
        var kept = _ledger.HeldKept;
        var undecided = Math.Max(0, _queue.Held - kept - _ledger.Withheld);
        var enqueued = _queue.EnqueuedAtLevel + kept;
        return _ledger.IsFrozen ? (enqueued + undecided, 0) : (enqueued, undecided);
    }

    /// <summary>
    /// The events the process's exit reported lost (the handler not disposed, <see cref="ProcessExitFlush"/>) that are
    /// still queued or in flight: <see cref="ThreadedHandlerStatistics.UndeliveredAtExit"/>, part of Pending, never of
    /// Dropped (a count that never goes down: these may yet be delivered, and a disposal counts those it loses); fewer
    /// once some are delivered after all, none once a disposal counted its own losses.
    /// </summary>
    private long UndeliveredAtExit() => _exitFlush.ReportedLost is > 0 and var reported ? Math.Min(reported, _ledger.InMemory(() => _queue.EnqueuedAtLevel)) : 0;

    /// <summary>
    /// Reports the events the shutdown lost, each once: what the process's exit reported lost already
    /// (<see cref="ProcessExitFlush"/>, EventSource <c>EventsLostAtShutdown</c>) is not counted there again, and what it
    /// reported that this disposal delivered after all is said to be (<c>LateEventsDelivered</c> and the self-log), so
    /// that the lost count less the delivered one is exactly <paramref name="lost"/>. The self-log's count is the total
    /// (the exit said its events were lost unless the handler is disposed). At <c>ProcessExit</c> .NET has disposed
    /// every EventSource before the handlers run, so there only the self-log reaches anyone; the counts matter after an
    /// unhandled exception.
    /// </summary>
    private void ReportLost(long lost)
    {
        var (notYetReported, deliveredAfterAll) = _exitFlush.Reconcile(lost);
        if (notYetReported > 0)
        {
            ThreadedLoggingEventSource.Log.EventsLostAtShutdown(notYetReported);
        }

        if (lost > 0)
        {
            _selfLog.Write($"{Counted.Events(lost)} {Counted.Agree(lost, "was", "were")} not delivered before the shutdown deadline ({_shutdownTimeout.TotalMilliseconds} ms) and {Counted.Agree(lost, "is", "are")} lost."
                + (_spools ? string.Empty : " Set BufferDirectory to keep what a disposal cannot deliver on disk for the next start."));
        }

        if (deliveredAfterAll > 0)
        {
            ThreadedLoggingEventSource.Log.LateEventsDelivered(deliveredAfterAll);
            _selfLog.Write($"{Counted.Events(deliveredAfterAll)} reported lost while the process exited {Counted.Agree(deliveredAfterAll, "was", "were")} delivered after all (counted when the handler was disposed).");
        }
    }
}
