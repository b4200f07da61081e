namespace ThreadedLogging;

/// <summary>
/// The books of a handler: every accepted event ends as sent or dropped, and <c>Flush</c> waits for exactly
/// that. An event taken off the queue is <em>in flight</em>; written to the spool it is <em>spooled</em>
/// (so are the events adopted from a dead process's spool); when it is sent, or dropped for good, it is
/// <em>settled</em>. A flush waits until the settled count reaches what was logged (and adopted) before it.
/// </summary>
/// <remarks>
/// Drop notices and other events the pipeline adds itself (<see cref="LogEvent.IsExtra"/>) are not the app's events:
/// never counted in flight, spooled, sent, dropped or settled, so a notice lost at shutdown is not counted as a dropped
/// event of the app (the calls it reports are counted where they were refused). After <see cref="Freeze"/> (a worker
/// abandoned at shutdown) the books no longer move, so what shutdown counts as lost is counted once.
/// </remarks>
internal sealed class DeliveryLedger
{
    private readonly List<FlushWaiter> _waiters = [];
    private readonly Lock _books = new(); // a batch's move and Freeze: a batch is either booked before the freeze or counted lost by it
    private int _waiterCount;
    private volatile bool _frozen;
    private bool _released; // ReleaseWaiters ran: a flush no longer waits
    private long _inFlight;
    private long _spooled;
    private long _settled;
    private long _sent;
    private long _dropped;
    private long _adopted;
    private long _withheld;
    private long _heldKept;
    private int _moving; // moves between the queue, the flight and the spool under way (BeginMove)
    private long _moves; // moves ended: a read that saw it change reads again (ReadUnmoved)

    /// <summary>Gets the events sent.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Gets the accepted events dropped after they were queued (refused, spool caps, shutdown).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets the events the start's hold let in that the level known at its release left out (<see cref="LevelHold"/>): settled, neither sent nor dropped, and no longer counted enqueued.</summary>
    public long Withheld => Interlocked.Read(ref _withheld);

    /// <summary>Gets the events the start's hold let in that the level known at its release kept (<see cref="LevelHold"/>): from then on counted enqueued.</summary>
    public long HeldKept => Interlocked.Read(ref _heldKept);

    /// <summary>Gets the events sent or dropped for good (and those withheld by the start's hold).</summary>
    public long Settled => Interlocked.Read(ref _settled);

    /// <summary>Gets the app's events taken off the queue and not yet settled or spooled.</summary>
    public long InFlight => Math.Max(0, Interlocked.Read(ref _inFlight));

    /// <summary>Gets the events in the spool, waiting to be sent.</summary>
    public long Spooled => Math.Max(0, Interlocked.Read(ref _spooled));

    /// <summary>Gets the events adopted from the spools of dead processes.</summary>
    public long Adopted => Interlocked.Read(ref _adopted);

    /// <summary>
    /// Gets the app's events not yet settled: <paramref name="queued"/> (what the queue holds), in flight and spooled.
    /// Once the books are frozen (a worker abandoned at shutdown) what was queued or in flight is counted lost, and the
    /// abandoned worker may still move the queue and the flight: only the spooled ones, as frozen, remain pending, so
    /// that sent + dropped + pending stays what was accepted and adopted.
    /// </summary>
    /// <param name="queued">What the queue holds now.</param>
    public long Pending(long queued) => _frozen ? Spooled : Math.Max(0, queued) + InFlight + Spooled;

    /// <summary>
    /// Reads <paramref name="read"/> (what counts as pending: the queue's count, <see cref="InFlight"/>, <see cref="Spooled"/>)
    /// when no batch is between two of them: again when a move began or ended meanwhile (<see cref="BeginMove"/>), so a
    /// batch that leaves the queue for the flight, or the flight for the spool, is counted once, never in both or neither.
    /// A seqlock kept by the worker's side alone: the log call adds to the queue's count only, which a read sees or not.
    /// </summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="read">Reads the counters.</param>
    /// <returns>What <paramref name="read"/> returned on a read that no move overlapped.</returns>
    public T ReadUnmoved<T>(Func<T> read)
    {
        var spin = default(SpinWait);
        while (true)
        {
            var moves = Interlocked.Read(ref _moves);
            var value = read();
            if (Volatile.Read(ref _moving) == 0 && Interlocked.Read(ref _moves) == moves)
            {
                return value;
            }

            spin.SpinOnce();
        }
    }

    /// <summary>A batch starts to move between the queue, the flight and the spool (the worker's side); <see cref="EndMove"/> in a <c>finally</c>.</summary>
    public void BeginMove() => Interlocked.Increment(ref _moving);

    /// <summary>The move <see cref="BeginMove"/> began is over: a read that overlapped it reads again (<see cref="ReadUnmoved"/>).</summary>
    public void EndMove()
    {
        Interlocked.Increment(ref _moves);
        Interlocked.Decrement(ref _moving);
    }

    /// <summary>Gets whether the books were frozen at shutdown.</summary>
    public bool IsFrozen => _frozen;

    /// <summary>The worker took <paramref name="count"/> of the app's events off the queue (a drop notice it adds is not one).</summary>
    public void TakeOff(int count) => Interlocked.Add(ref _inFlight, count);

    /// <summary>
    /// Tests: called after a batch went to the spool (<see cref="MoveToSpool"/>) with the events spooled then: the signal
    /// that what was logged reached the disk, where a test would otherwise poll <see cref="Spooled"/>.
    /// </summary>
    internal Action<long>? MovedToSpool { get; set; }

    /// <summary>A batch with <paramref name="userEvents"/> of the app's events went from memory to the spool.</summary>
    public void MoveToSpool(int userEvents)
    {
        long spooled;
        lock (_books)
        {
            if (_frozen)
            {
                return; // still in flight: shutdown counted it lost (the next start may yet find it on disk)
            }

            BeginMove();
            Interlocked.Add(ref _inFlight, -userEvents);
            spooled = Interlocked.Add(ref _spooled, userEvents);
            EndMove();
        }

        MovedToSpool?.Invoke(spooled);
    }

    /// <summary>
    /// The spool held <paramref name="count"/> events of a process that died: they are logged before anything now. Not once
    /// the books are frozen (the worker abandoned while it adopted): they stay on disk for the next start.
    /// </summary>
    public void Adopt(long count)
    {
        lock (_books)
        {
            if (_frozen)
            {
                return;
            }

            Interlocked.Add(ref _adopted, count);
            Interlocked.Add(ref _spooled, count);

            // They are sent before anything spooled or queued now, and count toward the same settled total: a flush
            // waiting now waits for them too (its target was fixed before they were adopted), else their settling would
            // reach its target while its own events still wait. Under the books' lock, as a flush's target is fixed and
            // registered (WaitForFlushAsync), and as settled moves: none is missed, and one already reached is left.
            lock (_waiters)
            {
                var settled = Settled;
                foreach (var waiter in _waiters)
                {
                    if (!waiter.FixedTarget && settled < waiter.Target)
                    {
                        waiter.Target += count;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The app's events accepted and neither settled nor spooled: queued or in flight, so lost if the process ended now
    /// (the spooled ones stay on disk for the next start). Accepted less sent, dropped and spooled, read under the books'
    /// lock: a batch between the queue and the flight, or moving to the spool, is counted once (the queue's count plus
    /// <see cref="InFlight"/> is not, while the worker runs). <paramref name="enqueuedAtLevel"/> is read inside the lock.
    /// Accepted as <see cref="ThreadedHandlerStatistics.Pending"/> counts it: the calls at their logger's level and the
    /// held ones the release kept (<see cref="HeldKept"/>), not the held calls the worker has not decided yet (before: the
    /// queue's whole count, so the exit's "lost" count and <see cref="ThreadedHandlerStatistics.UndeliveredAtExit"/>
    /// counted Debug calls the release would leave out, more than Pending).
    /// </summary>
    /// <param name="enqueuedAtLevel">Reads what the queue accepted at its logger's level (<see cref="EventQueue.EnqueuedAtLevel"/>).</param>
    public long InMemory(Func<long> enqueuedAtLevel)
    {
        lock (_books)
        {
            return Math.Max(0, enqueuedAtLevel() + HeldKept + Adopted - Sent - Dropped - Interlocked.Read(ref _spooled));
        }
    }

    /// <summary>
    /// The worker took <paramref name="count"/> events off the queue (<see cref="TakeOff"/>) that the start's hold let in
    /// and the level known at its release leaves out (<see cref="LevelHold"/>): settled (a flush waits for them no
    /// longer), neither sent nor dropped.
    /// </summary>
    public void WithholdInFlight(int count)
    {
        if (count != 0)
        {
            End(ref _withheld, ref _inFlight, count);
        }
    }

    /// <summary>
    /// The worker took <paramref name="count"/> events off the queue that the start's hold let in and the level known at
    /// its release keeps: they go on as any other, and count as enqueued from now (<see cref="ThreadedHandler.Statistics"/>).
    /// </summary>
    public void KeepHeld(int count)
    {
        if (count != 0)
        {
            Interlocked.Add(ref _heldKept, count);
        }
    }

    /// <summary>
    /// Marks events [start, start+count) as done: sent, or dropped for good. An event settled before is not counted
    /// again (<see cref="LogEvent.IsSettled"/>): a failure that settles a whole batch as lost after part of it was
    /// delivered or dropped (<see cref="BatchWorker"/>'s catch-all) counts only the rest.
    /// </summary>
    /// <param name="events">The batch; only [start, start+count) are settled.</param>
    /// <param name="start">The first event to settle.</param>
    /// <param name="count">How many events to settle.</param>
    /// <param name="delivered">Whether they were sent (else dropped for good).</param>
    /// <param name="spooled">Whether they came from the spool (rather than from memory).</param>
    public void Settle(List<LogEvent> events, int start, int count, bool delivered, bool spooled)
    {
        if (count == 0 || _frozen)
        {
            return;
        }

        var userEvents = 0;
        for (var i = start; i < start + count; i++)
        {
            var logEvent = events[i];
            if (!logEvent.IsExtra && !logEvent.IsSettled)
            {
                logEvent.IsSettled = true;
                userEvents++;
            }
        }

        if (userEvents == 0)
        {
            return;
        }

        // The app's events leave the spool or the flight; a drop notice was in neither.
        End(ref delivered ? ref _sent : ref _dropped, ref spooled ? ref _spooled : ref _inFlight, userEvents);
    }

    /// <summary>A spooled batch sent as stored (its envelope, not its events): <paramref name="userEvents"/> of the app's events delivered.</summary>
    public void SettleSpooled(int userEvents)
    {
        if (userEvents != 0)
        {
            End(ref _sent, ref _spooled, userEvents);
        }
    }

    /// <summary>The worker took <paramref name="count"/> of the app's events off the queue that it could not read (<see cref="RecordQueue.Dequeue"/>): dropped for good.</summary>
    public void DropInFlight(int count) => End(ref _dropped, ref _inFlight, count);

    /// <summary>The spool's size or age cap (or a torn segment) removed <paramref name="count"/> spooled events.</summary>
    public void DropSpooled(int count) => End(ref _dropped, ref _spooled, count);

    /// <summary>Shutdown abandoned the worker: from now on nothing it does changes the books.</summary>
    public void Freeze()
    {
        lock (_books)
        {
            _frozen = true;
        }
    }

    /// <summary>
    /// Shutdown with the worker abandoned (<see cref="Freeze"/> first): counts as dropped what was accepted and is neither
    /// sent, dropped nor in the spool. Not the queue's count plus in flight, as <see cref="CountLost"/> takes them from a stopped worker: the
    /// worker still runs, and between its release of a batch's records and <see cref="TakeOff"/> the batch is in neither
    /// (missed) or, read in the other order, in both (counted twice). The books are frozen, so this difference is exact.
    /// </summary>
    /// <param name="enqueued">The events the queue accepted (it is closed: no more come).</param>
    /// <returns>How many events were lost.</returns>
    public long CountLostOfAbandoned(long enqueued)
    {
        long lost;
        lock (_books)
        {
            lost = Math.Max(0, enqueued + Adopted - Sent - Dropped - Withheld - Interlocked.Read(ref _spooled));
            Interlocked.Add(ref _dropped, lost);
        }

        return lost;
    }

    /// <summary>
    /// Shutdown with the worker stopped: counts what is still queued or in flight as dropped. They are not settled: a
    /// flush waiting for them fails. (With the worker abandoned, <see cref="CountLostOfAbandoned"/>.)
    /// </summary>
    /// <param name="queued">What the queue still held.</param>
    /// <returns>How many events were lost.</returns>
    public long CountLost(long queued)
    {
        var lost = queued + Math.Max(0, Interlocked.Exchange(ref _inFlight, 0));
        if (lost > 0)
        {
            Interlocked.Add(ref _dropped, lost);
        }

        return lost;
    }

    /// <summary>
    /// Shutdown, last: completes every waiting flush, with <see langword="false"/> unless its target was reached, and every
    /// later one at once. A worker abandoned at the deadline still runs, but its books are frozen: a flush that waited
    /// for them to move waited until its own timeout, not "at once" as a flush after the disposal answers.
    /// </summary>
    public void ReleaseWaiters()
    {
        Volatile.Write(ref _released, true);
        CompleteWaiters(force: true);
    }

    /// <summary>
    /// What a flush waits for: until the events enqueued before it (<paramref name="enqueued"/>) and those adopted from
    /// other spools (before it, and while it waits: they are sent first, see <see cref="Adopt"/>) are settled. Completes
    /// with <see langword="true"/> then, with <see langword="false"/> when <paramref name="cancellationToken"/> fires or
    /// the books close first. The target is fixed and the flush registered under the books' lock, as <see cref="Adopt"/>
    /// runs: an adoption is counted in the target or added to it, never missed.
    /// </summary>
    /// <param name="enqueued">The events the queue accepted before the flush.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public Task<bool> WaitForFlushAsync(long enqueued, CancellationToken cancellationToken)
    {
        FlushWaiter waiter;
        lock (_books)
        {
            var target = enqueued + Adopted;
            if (Settled >= target)
            {
                return Task.FromResult(true);
            }

            waiter = Register(target, fixedTarget: false);
        }

        CompleteWaiters(force: Volatile.Read(ref _released)); // the books may have closed before the waiter was added
        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>
    /// Completes with <see langword="true"/> when <paramref name="target"/> events are settled, with
    /// <see langword="false"/> when <paramref name="cancellationToken"/> fires or the books close first. A fixed target,
    /// not moved by adoptions (tests wait on it for events to settle); a flush waits with <see cref="WaitForFlushAsync"/>.
    /// </summary>
    public Task<bool> WaitUntilSettledAsync(long target, CancellationToken cancellationToken)
    {
        if (Settled >= target)
        {
            return Task.FromResult(true);
        }

        var waiter = Register(target, fixedTarget: true);
        CompleteWaiters(force: Volatile.Read(ref _released)); // settled may have reached the target before the waiter was added, or the books closed
        return WaitAsync(waiter, cancellationToken);
    }

    private FlushWaiter Register(long target, bool fixedTarget)
    {
        var waiter = new FlushWaiter(target, fixedTarget);
        lock (_waiters)
        {
            _waiters.Add(waiter);
            _waiterCount = _waiters.Count;
        }

        return waiter;
    }

    private static async Task<bool> WaitAsync(FlushWaiter waiter, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.UnsafeRegister(static w => ((FlushWaiter)w!).Done.TrySetResult(false), waiter).ConfigureAwait(false);
        return await waiter.Done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="count"/> of the app's events end as sent or dropped (<paramref name="outcome"/>): they are settled
    /// and leave where they were (in flight, or the spool) — unless the books are frozen.
    /// </summary>
    private void End(ref long outcome, ref long from, int count)
    {
        lock (_books)
        {
            if (_frozen)
            {
                return;
            }

            Interlocked.Add(ref outcome, count);
            Interlocked.Add(ref from, -count);
            Interlocked.Add(ref _settled, count);
        }

        CompleteWaiters();
    }

    private void CompleteWaiters(bool force = false)
    {
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return;
        }

        lock (_waiters)
        {
            var settled = Settled;
            _waiters.RemoveAll(w =>
            {
                if (w.Done.Task.IsCompleted)
                {
                    return true;
                }

                if (settled >= w.Target || force)
                {
                    w.Done.TrySetResult(settled >= w.Target);
                    return true;
                }

                return false;
            });
            _waiterCount = _waiters.Count;
        }
    }

    private sealed class FlushWaiter(long target, bool fixedTarget)
    {
        /// <summary>Gets or sets the settled count awaited; a flush's grows with what is adopted while it waits (under both locks).</summary>
        public long Target { get; set; } = target;

        /// <summary>Gets whether adoptions leave <see cref="Target"/> as it is (a test's wait for a count, not a flush).</summary>
        public bool FixedTarget { get; } = fixedTarget;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
