using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// The one worker of a handler: waits for the clock (or a wake-up), takes batches off the
/// <see cref="EventQueue"/> — full ones, or everything when the interval elapsed, a drain was asked for,
/// or the handler is stopping — and hands them to the <see cref="SpoolStage"/> or the
/// <see cref="BatchDelivery"/>. With a sink that <see cref="ISendsConcurrently"/> (and no spool), the next batch is
/// read and sent while the previous one is still being answered: at most two in flight, each settled as it completes,
/// none left in flight while the worker waits for the clock. Stops when the queue is empty after shutdown began, or
/// at the shutdown deadline.
/// </summary>
internal sealed class BatchWorker : IDisposable
{
    /// <summary>How long past the shutdown budget <see cref="StopAsync"/> waits for a sink that ignores cancellation.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);

    private readonly EventQueue _queue;
    private readonly DeliveryLedger _ledger;
    private readonly BatchDelivery _delivery;
    private readonly ISendsConcurrently? _concurrentSink;
    private readonly SpoolStage? _spool;
    private readonly ThreadedTimer _timer;
    private readonly FailureReporter _failures;
    private readonly Redactor _redactor;
    private readonly Stack<LogEvent> _reusable = new();
    private readonly LogIdentity _identity;
    private readonly bool _poolsEvents;
    private readonly int _batchSize;
    private readonly int _maxBatchBytes;
    private readonly TimeSpan _shutdownTimeout;
    private readonly LevelHold _levelHold;
    private readonly Action? _booksRead; // tests: after the check on disk read the books (ThreadedHandlerOptions.AllOnDiskBooksRead)
    private readonly CancellationTokenSource _deadline = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private TaskCompletionSource? _allOnDisk; // the process's exit flushes waiting for everything on disk after a failed send
    private long _sequence;
    private long _pooledEventsMade;
    private Task _task = Task.CompletedTask;
    private InFlightBatch? _inFlight;
    private List<LogEvent>? _spareBatch; // the second batch's list, while none is in flight

    /// <param name="queue">Where the events come from.</param>
    /// <param name="sink">Where batches go (owned: disposed by <see cref="DisposeSinkAsync"/>, after the worker stops).</param>
    /// <param name="options">Batch size and bytes, redaction, retry delays, spool, interval, shutdown budget (validated).</param>
    /// <param name="identity">Whose events these are.</param>
    /// <param name="ledger">The books every batch is settled in.</param>
    /// <param name="failures">Where failures are reported.</param>
    /// <param name="selfLog">The handler's self-log.</param>
    /// <param name="timer">The clock the worker waits on; the queue wakes it.</param>
    /// <param name="poolsEvents">Whether records are read into events that are reused once the sink is done with them.</param>
    /// <param name="levelHold">The start's hold: nothing is sent before its release, and what it let in is filtered then.</param>
    public BatchWorker(EventQueue queue, ILogBatchSink sink, ThreadedHandlerOptions options, LogIdentity identity, DeliveryLedger ledger, FailureReporter failures, SelfLog selfLog, ThreadedTimer timer, bool poolsEvents, LevelHold levelHold)
    {
        _levelHold = levelHold;
        _booksRead = options.AllOnDiskBooksRead;
        _queue = queue;
        _ledger = ledger;
        _failures = failures;
        _timer = timer;
        _identity = identity;
        _poolsEvents = poolsEvents;
        _batchSize = options.BatchSize;
        _maxBatchBytes = options.MaxBatchBytes;
        _shutdownTimeout = options.ShutdownTimeout;
        _redactor = new Redactor(options.RedactedProperties);
        _spool = options.BufferDirectory is { } directory
            ? new SpoolStage(directory, options, identity, ledger, failures, selfLog, timer, FillBatch, keepRecent: sink is not ISendsEnvelopes, recycle: Recycle, allOnDiskAtShutdown: AllOnDiskAtShutdown, endShutdown: _deadline.Cancel, connects: sink as IReportsStalledConnects, nextSequence: () => ++_sequence)
            : null;
        _delivery = new BatchDelivery(
            sink,
            new Backoff(options.MinRetryDelay, options.MaxRetryDelay),
            ledger,
            failures,
            selfLog,
            _spool is { } spool ? spool.WaitBeforeRetryAsync : timer.DelayAsync,
            options.TimeProvider);

        // Not with a spool: a send waiting out a retry moves the queue to disk meanwhile, which only the worker may do.
        _concurrentSink = _spool is null ? sink as ISendsConcurrently : null;
    }

    /// <summary>Gets the sends: retried and failed counts, the circuit.</summary>
    public BatchDelivery Delivery => _delivery;

    /// <summary>Gets a task that completes when the worker has opened the spool (and adopted what dead processes left).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Gets how many events the worker made for its pool (<c>poolsEvents</c>): a batch's worth when the pool works, one per event when a path forgets to give them back.</summary>
    public long PooledEventsMade => Interlocked.Read(ref _pooledEventsMade);

    /// <summary>Gets whether the worker has stopped.</summary>
    public bool IsStopped => _task.IsCompleted;

    /// <summary>
    /// Starts the worker on the thread pool, without the creator's execution context: the worker must not
    /// carry (and keep alive) the AsyncLocals of whoever created the handler — a request's scope, an Activity.
    /// </summary>
    public void Start()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            _task = Task.Run(RunAsync);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _task = Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Asks the worker to drain the queue and stop, and waits at most the shutdown budget (plus a grace for
    /// a sink that ignores cancellation). Returns whether it stopped.
    /// </summary>
    public async Task<bool> StopAsync()
    {
        _stopping = true;
        _deadline.CancelAfter(_shutdownTimeout);
        _queue.RequestDrain();

        // The deadline cancels sends; the grace covers a sink that ignores cancellation. Wall-clock
        // time on purpose: the budget is a promise to the app, whatever clock the pipeline runs on.
        using var grace = new CancellationTokenSource(_shutdownTimeout + Grace);
        if (await Task.WhenAny(_task, Task.Delay(Timeout.Infinite, grace.Token)).ConfigureAwait(false) == _task)
        {
            return true;
        }

        // Abandoned. Its deadline may not have fired yet (timers run late on a busy machine): cancel it now, so
        // that whatever the worker still does, it stops at its next await that observes the token.
        _deadline.Cancel();
        return false;
    }

    /// <summary>
    /// With a spool: a task that completes the next time a spooled batch's send has just failed (or, under way, waits out
    /// its backoff) with everything the app logged on disk, synced (<see cref="AllOnDiskAtShutdown"/>). The process's
    /// exit flush (<see cref="ProcessExitFlush"/>) waits for it beside its flush: the worker goes on (a log call of the
    /// exit, a later disposal), but what it would retry is on disk and the next start sends it. Registered before the
    /// flush wakes the worker, so the check that answers it reads the books after the flush's events were logged: a check
    /// takes the waiter before it reads the books, so one registered after that is a new one, left to a later check. Null
    /// without a spool: there an exit still waits for the delivery, within its budget.
    /// </summary>
    public Task? AllOnDiskAfterFailedSend()
    {
        if (_spool is null)
        {
            return null;
        }

        var waiting = Volatile.Read(ref _allOnDisk);
        while (waiting is null)
        {
            var made = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = Interlocked.CompareExchange(ref _allOnDisk, made, null) ?? made;
        }

        return waiting.Task;
    }

    /// <summary>
    /// A spooled batch's send just failed (it is about to wait the backoff), or stalls connecting, and everything the app
    /// logged is on disk (<see cref="SpoolStage"/> asks, under its gate, with the spool synced): when the handler is
    /// stopping, the shutdown is to end now, as at its deadline (the stage cancels the worker's token once it let go of its
    /// gate), rather than waiting out the backoff for a receiver that just failed, or a connect no answer can follow in
    /// time: what it would retry is on disk already and sent by the next start (under the same batch ids, so a copy the
    /// receiver kept after all is stored once). The process's exit flushes waiting meanwhile
    /// (<see cref="AllOnDiskAfterFailedSend"/>) are answered the same way, without stopping the worker. Returns whether
    /// the shutdown is to end.
    /// </summary>
    private bool AllOnDiskAtShutdown()
    {
        // Taken before the books are read: a waiter registered from here on (a late call whose event these books may not
        // count yet) is a new one, answered by a later check, never by this one.
        var exiting = Interlocked.Exchange(ref _allOnDisk, null);
        if ((!_stopping && exiting is null) || _queue.Count > 0 || _ledger.InMemory(() => _queue.EnqueuedAtLevel) > 0)
        {
            if (exiting is not null)
            {
                WaitOnDiskAgain(exiting);
            }

            return false;
        }

        _booksRead?.Invoke();
        exiting?.TrySetResult(); // its continuations run elsewhere (RunContinuationsAsynchronously): safe under the gate
        return _stopping;
    }

    /// <summary>
    /// A check took <paramref name="exiting"/> with events still in memory: it goes back for a later check; or, when a
    /// newer waiter was registered meanwhile, it is answered with that one, by a check that began after both registered.
    /// </summary>
    private void WaitOnDiskAgain(TaskCompletionSource exiting)
    {
        if (Interlocked.CompareExchange(ref _allOnDisk, exiting, null) is { } newer)
        {
            newer.Task.ContinueWith(static (_, waiting) => ((TaskCompletionSource)waiting!).TrySetResult(), exiting, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>After the worker stopped: closes the spool, whose content stays on disk for the next start.</summary>
    public void CloseSpool() => _spool?.Close();

    /// <summary>
    /// The worker outlived the shutdown budget: closes the spool (releasing its directory's lock) when the worker
    /// finally stops, and tells a handler started meanwhile in this process to wait for that.
    /// </summary>
    public void CloseSpoolWhenStopped()
    {
        if (_spool is { } spool)
        {
            AbandonedSpools.Add(spool.DirectoryPath, _task.ContinueWith(_ => spool.Close(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
        }
    }

    /// <summary>
    /// Disposes the sink, reporting (not throwing) what it throws; when the worker was abandoned (not <paramref name="stopped"/>),
    /// once it stops, and returns at once.
    /// </summary>
    /// <param name="stopped">Whether the worker stopped within the shutdown budget.</param>
    public ValueTask DisposeSinkAsync(bool stopped) => _delivery.DisposeSinkAsync(stopped ? null : _task);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_task.IsCompleted)
        {
            _deadline.Dispose(); // an abandoned worker still reads its token: that one is left to the GC
        }
    }

    private async Task RunAsync()
    {
        _queue.MarkDrainingFlow();
        var batch = new List<LogEvent>(Math.Min(_batchSize, 1024));
        var token = _deadline.Token;
        var elapsed = false;
        try
        {
            _spool?.Open(token);
        }
        finally
        {
            _ready.TrySetResult();
        }

        while (true)
        {
            try
            {
                // The start's hold (LevelHold): nothing is read or sent before the collector's first answer about levels
                // (or its bound, or the disposal); a flush meanwhile waits for it. Completed at once for most handlers.
                await _levelHold.Released.WaitAsync(token).ConfigureAwait(false);
                var drainAll = elapsed | _queue.TakeDrainRequest() | _stopping;
                if (_spool is not null)
                {
                    await _spool.DeliverCarriedAsync(_delivery, token).ConfigureAwait(false);
                }

                while (!token.IsCancellationRequested && FillBatch(batch, drainAll))
                {
                    if (_spool is null || !_spool.TrySpool(batch))
                    {
                        var delivery = _delivery.DeliverAsync(batch, 0, batch.Count, null, _identity, spooled: false, settledUpTo: null, token);
                        if (_concurrentSink is { CanSendConcurrently: true })
                        {
                            batch = await OverlapAsync(batch, delivery).ConfigureAwait(false);
                            continue;
                        }

                        await delivery.ConfigureAwait(false);
                    }

                    Recycle(batch);
                }

                await CompleteInFlightAsync().ConfigureAwait(false);
                if (_spool is not null)
                {
                    _spool.Sync();
                    await _spool.DeliverSpooledAsync(_delivery, token, _stopping).ConfigureAwait(false);
                }

                if (_stopping && _queue.Count == 0)
                {
                    return;
                }

                elapsed = await _timer.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The shutdown deadline passed: the handler counts what is left as lost. A batch still in flight
                // sees the same deadline; wait for it, so that nothing uses the sink after the worker stopped.
                await AbandonInFlightAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug of ours must not stop the worker: report it, count the batch as lost, go on.
                _failures.InternalError(e);
                _ledger.Settle(batch, 0, batch.Count, delivered: false, spooled: false);
                batch.Clear();
                elapsed = await _timer.WaitAsync(token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A batch's delivery started while the previous one may still be in flight: waits for that previous one (the
    /// new one goes on meanwhile) and returns its emptied list to fill next, so that at most two are in flight.
    /// </summary>
    private async Task<List<LogEvent>> OverlapAsync(List<LogEvent> batch, Task delivery)
    {
        var previous = _inFlight;
        _inFlight = new InFlightBatch(batch, delivery);
        if (previous is null)
        {
            var spare = _spareBatch ?? new List<LogEvent>(batch.Capacity);
            _spareBatch = null;
            return spare;
        }

        await CompleteAsync(previous).ConfigureAwait(false);
        return previous.Events;
    }

    /// <summary>Waits for the batch in flight, if any (before the worker waits for the clock, spools or stops).</summary>
    private async Task CompleteInFlightAsync()
    {
        if (_inFlight is { } inFlight)
        {
            await CompleteAsync(inFlight).ConfigureAwait(false);
            _inFlight = null;
            _spareBatch = inFlight.Events;
        }
    }

    /// <summary>
    /// Waits for a batch's delivery and recycles its events. Throws only <see cref="OperationCanceledException"/> at
    /// the shutdown deadline: a bug in the delivery is reported and its batch counted as lost, as in the loop.
    /// </summary>
    private async Task CompleteAsync(InFlightBatch inFlight)
    {
        try
        {
            await inFlight.Delivery.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _failures.InternalError(e);
            _ledger.Settle(inFlight.Events, 0, inFlight.Events.Count, delivered: false, spooled: false);
        }

        Recycle(inFlight.Events);
    }

    /// <summary>At the deadline: lets the batch in flight, if any, end too (it observes the same token).</summary>
    private async Task AbandonInFlightAsync()
    {
        if (_inFlight is { } inFlight)
        {
            _inFlight = null;
            try
            {
                await inFlight.Delivery.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Cancelled at the deadline, like the worker: the handler counts what was not settled as lost.
            }
        }
    }

    /// <summary>The sink is done with a batch: keep its events (when pooled) and empty the list for the next.</summary>
    private void Recycle(List<LogEvent> batch)
    {
        if (_poolsEvents)
        {
            Reuse(batch); // the sink is done with them, or the spool wrote them (and keeps none in memory: see keepRecent)
        }

        batch.Clear();
    }

    /// <summary>Takes the next batch off the queue: up to BatchSize events and about MaxBatchBytes, then a drop notice if calls were dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FillBatch(List<LogEvent> batch, bool drainAll)
    {
        if (!drainAll && !_queue.HasFullBatch)
        {
            return false;
        }

        long bytes = 0;
        var unreadable = 0;
        var withheld = 0;
        var heldKept = 0;
        Exception? unreadableError = null;
        try
        {
            while (batch.Count < _batchSize && _queue.TryPeekBytes(out var size))
            {
                // An event's JSON is about twice its record (text is UTF-16 there, UTF-8 in JSON; names are ids there).
                if (batch.Count > 0 && bytes + (2 * size) > _maxBatchBytes)
                {
                    break;
                }

                var reuse = _poolsEvents ? (_reusable.TryPop(out var reused) ? reused : NewPooledEvent()) : null;
                var next = _queue.Dequeue(reuse, out var error);
                bytes += 2 * size;
                if (next is not null && LevelHold.TakeMark(next))
                {
                    if (_levelHold.Ships(next.Category, next.Level))
                    {
                        heldKept++; // logged in the start's hold, at a level its release found: enqueued from now on
                    }
                    else
                    {
                        withheld++; // logged in the start's hold, below the level its release found
                        if (reuse is not null)
                        {
                            Reuse(reuse); // decoded into, or unused (a parked object's event was taken instead)
                        }

                        continue;
                    }
                }

                if (next is null)
                {
                    // Its record could not be read: skipped (taken off the queue), so that the events after it go on.
                    unreadable++;
                    unreadableError ??= error;
                    if (reuse is not null)
                    {
                        Reuse(reuse); // cleared of what the failed decoding wrote
                    }

                    continue;
                }

                next.Sequence = ++_sequence;
                if (Redact(next))
                {
                    batch.Add(next);
                }
            }
        }
        finally
        {
            // Off the queue is in flight, whatever was thrown: a batch the worker's catch-all settles as lost is counted
            // there once, not below zero (which InFlight's clamp hid, and shutdown then counted too few lost). One move
            // for Statistics.Pending: a read between the queue's count and the flight's reads again (before: a batch in
            // neither, or both, and Pending went down then up with no call).
            _ledger.BeginMove();
            try
            {
                _queue.Release();
                _ledger.TakeOff(batch.Count + unreadable + withheld);
                _ledger.WithholdInFlight(withheld);
                _ledger.KeepHeld(heldKept);
                if (unreadable > 0)
                {
                    _ledger.DropInFlight(unreadable);
                }
            }
            finally
            {
                _ledger.EndMove();
            }

            if (unreadable > 0)
            {
                _failures.EventsUnreadable(unreadable, unreadableError!);
            }
        }

        if (_queue.Drops.TakeNotice() is { } notice)
        {
            notice.Sequence = ++_sequence;
            batch.Add(notice); // not in flight for the books: not an event of the app (a lost notice is no dropped event)
        }

        if (_queue.Drops.TakeReentrantNotice() is { } reentrant)
        {
            reentrant.Sequence = ++_sequence;
            batch.Add(reentrant);
        }

        // What the spool dropped (its caps, a torn record) goes to the collector as the full queue's drops do.
        var before = batch.Count;
        if (_spool?.TakeDropNotices(batch) > 0)
        {
            for (var i = before; i < batch.Count; i++)
            {
                batch[i].Sequence = ++_sequence;
            }
        }

        return batch.Count > 0;
    }

    /// <summary>
    /// Redacts an event just taken off the queue; false when that throws (a bug of ours): that event is dropped, counted
    /// and said (never sent unredacted), not the batch, and nothing is thrown out of the batch's making (it left the
    /// retry wait of a spooled batch, which was then read again from disk and counted twice). A pooled event goes back
    /// to the pool: no sink ever saw it.
    /// </summary>
    private bool Redact(LogEvent logEvent)
    {
        try
        {
            _redactor.Apply(logEvent);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _failures.InternalError(e);
            _ledger.TakeOff(1);
            _ledger.Settle([logEvent], 0, 1, delivered: false, spooled: false);
            if (_poolsEvents)
            {
                Reuse(logEvent);
            }

            return false;
        }
    }

    /// <summary>The sink is done with a batch: keep its events (cleared) to read the next records into.</summary>
    private void Reuse(List<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            Reuse(logEvent);
        }
    }

    /// <summary>A new event for the pool (none to reuse), counted (<see cref="PooledEventsMade"/>).</summary>
    private LogEvent NewPooledEvent()
    {
        Interlocked.Increment(ref _pooledEventsMade);
        return new LogEvent { IsPooled = true };
    }

    /// <summary>Keeps a pooled event nothing holds any more (cleared) to read a next record into, while the pool has room.</summary>
    private void Reuse(LogEvent logEvent)
    {
        if (logEvent.IsPooled && _reusable.Count < _batchSize)
        {
            logEvent.Clear();
            _reusable.Push(logEvent);
        }
    }

    /// <summary>A batch whose delivery has started and not been waited for.</summary>
    private sealed record InFlightBatch(List<LogEvent> Events, Task Delivery);
}
