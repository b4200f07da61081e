namespace ThreadedLogging;

/// <summary>
/// The worker's disk stage (<see cref="ThreadedHandlerOptions.BufferDirectory"/>): batches go from the
/// memory queue to the <see cref="DurableSpool"/>, and are sent from there, oldest first (a dead process's
/// spool before ours). While a backlog is sent or a retry waits, the memory queue keeps moving to disk, so
/// the spool, not the memory queue, buffers an outage. If the disk fails, the pipeline goes on in memory.
/// Driven by the worker; while a spooled batch is sent, by two flows at once, which may run on different threads: the
/// ticker of <see cref="MoveQueueWhileSendingAsync"/> (the queue moved to disk, <see cref="MoveQueueToSpool"/>) and the
/// send (its record settled, <c>SettledUpTo</c>; its retry waited, <see cref="WaitBeforeRetryAsync"/>). The spool's
/// writes and the record's settlements are kept apart by <see cref="_gate"/>.
/// </summary>
internal sealed class SpoolStage
{
    private readonly DurableSpool _spool;
    private readonly DeliveryLedger _ledger;
    private readonly FailureReporter _failures;
    private readonly SelfLog _selfLog;
    private readonly ThreadedTimer _timer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly LogIdentity _identity;
    private readonly SpoolDrops _drops;
    /// <summary>
    /// The most events of records just written that are also kept in memory, to be sent without reading the file
    /// back: a backlog beyond that stays on disk only (the queue keeps events as bytes, the spool must not turn a
    /// million of them back into objects).
    /// </summary>
    private const int MaxRecentEvents = 20_000;

    private readonly Func<List<LogEvent>, bool, bool> _fillBatch;
    private readonly Action<List<LogEvent>> _recycle;
    private readonly Func<bool> _allOnDiskAtShutdown;
    private readonly Action _endShutdown;
    private readonly IReportsStalledConnects? _connects;
    private readonly Func<long> _nextSequence;
    private readonly List<LogEvent> _moving = []; // MoveQueueToSpool's batch, reused call after call
    private readonly List<LogEvent> _carried = [];
    private readonly Lock _gate = new(); // the ticker's moves against the send's settling (SettledUpTo) and retry waits
    private volatile bool _active; // the ticker's move may end it (Failed) while the send reads it on another thread (WaitBeforeRetryAsync)
    private bool _opened; // the spool's directory was locked: its drops.json is ours to keep right, after a failure too
    private volatile bool _ticking; // a spooled batch is being sent: MoveQueueWhileSendingAsync moves the queue meanwhile
    private volatile bool _retryWaiting; // that send waits out a retry delay (a send failed): the ticker may end a shutdown then
    private volatile bool _down; // the spool takes no batch (its own directory could not be made, or the disk failed in use): what it holds is still sent, and it is tried again (TryAgain)
    private bool _sentSinceTry; // while _down, a record was read since its last try, or was held at the failure: once all is sent, its spool may have room
    private bool _probing; // tried again after a failure in use (TryAgain): the first batch written and synced says that it works again
    private bool _probeWritten; // while _probing, a batch was written: said once Sync made it durable
    private string? _saidFailure; // the last failure said (its type and message), until the spool works again: the same failure again is not said

    /// <param name="directory">The spool's root directory (environment variables expanded).</param>
    /// <param name="options">The spool's caps, the interval and the clock.</param>
    /// <param name="identity">Whose events this process spools (its instance id names its directory).</param>
    /// <param name="ledger">Where spooled, adopted and capped events are counted.</param>
    /// <param name="failures">Where a failing disk is reported.</param>
    /// <param name="selfLog">Where what stays on disk at shutdown is reported.</param>
    /// <param name="timer">The worker's clock, for retry waits.</param>
    /// <param name="fillBatch">Takes the next batch off the memory queue (the worker's): (batch, drainAll) → whether it took any.</param>
    /// <param name="keepRecent">Whether the spool also keeps its newest events in memory (<see cref="DurableSpool"/>'s <c>maxRecentEvents</c>).</param>
    /// <param name="recycle">Empties a batch the spool wrote, for the next (the worker's: pooled events go back to its pool); by default, and always when <paramref name="keepRecent"/>, only cleared.</param>
    /// <param name="allOnDiskAtShutdown">
    /// Asked, under the stage's gate (everything the spool wrote synced), when a spooled batch's send failed, before its
    /// retry waits, or stalls connecting: whether a shutdown in progress is to end, nothing the app logged being left in
    /// memory (the worker's). By default, never.
    /// </param>
    /// <param name="endShutdown">Ends the shutdown when <paramref name="allOnDiskAtShutdown"/> said so, outside the gate (the worker's: cancels its token).</param>
    /// <param name="connects">The sink, when it says that its connection attempt stalls (<see cref="IReportsStalledConnects"/>).</param>
    /// <param name="nextSequence">Numbers an event the spool stage adds itself (an adopted drop notice): the worker's sequence.</param>
    public SpoolStage(string directory, ThreadedHandlerOptions options, LogIdentity identity, DeliveryLedger ledger, FailureReporter failures, SelfLog selfLog, ThreadedTimer timer, Func<List<LogEvent>, bool, bool> fillBatch, bool keepRecent = true, Action<List<LogEvent>>? recycle = null, Func<bool>? allOnDiskAtShutdown = null, Action? endShutdown = null, IReportsStalledConnects? connects = null, Func<long>? nextSequence = null)
    {
        _nextSequence = nextSequence ?? (static () => 0);
        _allOnDiskAtShutdown = allOnDiskAtShutdown ?? (static () => false);
        _endShutdown = endShutdown ?? (static () => { });
        _connects = connects;
        if (connects is not null)
        {
            connects.ConnectStalled = ConnectStalled;
        }

        _drops = new SpoolDrops(options.TimeProvider);
        _spool = new DurableSpool(ThreadedHandlerOptions.ResolveBufferDirectory(directory), identity.InstanceId, options.MaxBufferBytes, options.MaxBufferAge, options.TimeProvider, maxRecentEvents: keepRecent ? Math.Min(options.QueueCapacity, MaxRecentEvents) : 0)
        {
            Dropped = (count, reason) =>
            {
                _drops.Add(count, reason); // before the books: counting the drop can complete a flush, whose caller may look for the notice
                ledger.DropSpooled(count);
            },
            Report = selfLog.Write,
            HeldReleased = timer.Wake, // a spool found held is free: adopted on the pass this wakes
            AdoptDropNotice = SpoolAdoptedNotice,
            NoticesDropped = _drops.Fold, // before the drop's count, as Dropped: a flush it completes finds them pending
            BeforeLock = options.SpoolBeforeLock,
            AfterLock = options.SpoolAfterLock,
            BeforeWrite = options.SpoolBeforeWrite,
        };
        _identity = identity;
        _ledger = ledger;
        _failures = failures;
        _selfLog = selfLog;
        _timer = timer;
        _time = options.TimeProvider;
        _interval = options.Interval;
        _fillBatch = fillBatch;
        // A spool that keeps its newest events in memory still holds a written batch's events: those must never go back to
        // a pool to be read over (today the worker pools only when the spool keeps none; this keeps it so if that changes).
        _recycle = recycle is null || keepRecent ? static batch => batch.Clear() : recycle;
    }

    /// <summary>Gets this instance's spool directory.</summary>
    public string DirectoryPath => _spool.DirectoryPath;

    /// <summary>
    /// Adds to a batch being made the warning events about what the spool dropped (<see cref="SpoolDrops"/>), once its caps
    /// stopped dropping: a notice written while the spool is full (or ageing out) would be the next record the same cap
    /// drops, the count lost with it, so the notices add up until the receiver takes a record again. Returns how many it added.
    /// </summary>
    public int TakeDropNotices(List<LogEvent> batch) => _active && _spool.CapsDropping ? 0 : _drops.TakeNotices(batch);

    /// <summary>
    /// Opens the spool (on the worker, never on the caller's thread); a failure leaves the handler in memory-only mode. No
    /// dead process's spool is adopted once <paramref name="stop"/> (the shutdown's deadline) is signalled.
    /// </summary>
    /// <remarks>
    /// When the handler's own spool cannot be made (a full disk), the dead ones are still adopted and sent, oldest first
    /// and once (their bookmarks), and deleted, which frees the disk; the handler's own spool is tried again once they
    /// were sent and at each look (<see cref="TryAgain"/>), its events in memory meanwhile. Before, nothing was adopted:
    /// what earlier runs left was never sent and the disk stayed full, each start memory-only (review13).
    /// </remarks>
    public void Open(CancellationToken stop = default)
    {
        _drops.KeepIn(() => _spool.DirectoryPath); // before the adoptions: a cap may drop as an adopted notice is written
        try
        {
            _spool.OpenOwn();
            _active = _opened = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Failed(e, inUse: false);
        }

        try
        {
            _spool.AdoptAtStart(stop);
            if (_opened)
            {
                _drops.Persist(_selfLog.Write);
            }

            // What a dead process left behind was logged before anything now: Flush waits for it too.
            _ledger.Adopt(_spool.PendingEvents);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            if (_active)
            {
                Failed(e); // the folder cannot be listed: when the handler's own spool failed too, that was said
            }
        }
    }

    /// <summary>
    /// Tries the spool again after it failed (<see cref="Failed"/>): once what it held was sent (deleted, its segments freed
    /// room) and at each look. The handler's own directory that <see cref="Open"/> could not make is made now, said when it
    /// works. One that failed in use is written again: the next batch is the test (a probe of its own would be a write
    /// too), said once it is written and synced (<see cref="Sync"/>); a failure again for the same reason is not said.
    /// </summary>
    private void TryAgain()
    {
        if (!_spool.OwnOpen)
        {
            try
            {
                _spool.OpenOwn();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                Failed(e, inUse: false); // said only when it fails for another reason than before
                return;
            }

            _down = false;
            _active = _opened = true;
            _saidFailure = null;
            _drops.Persist(_selfLog.Write);
            _selfLog.Write($"The spool at {_spool.DirectoryPath} could be created now: events are spooled again.");
            return;
        }

        _down = false;
        _active = _probing = true;
    }

    /// <summary>Writes a batch to the spool; false when the spool is not working and the batch must go from memory.</summary>
    public bool TrySpool(List<LogEvent> batch)
    {
        var noticeId = _drops.TakeBatchId();
        var batchId = noticeId ?? BatchDelivery.NewBatchId(); // a drop notice's batch: the id its file has
        if (!_active)
        {
            KeepDropNotice(); // the spool broke earlier: a notice this batch carries goes from memory
            return false;
        }

        if (_ledger.IsFrozen)
        {
            // Counted as lost at shutdown already; write nothing more. A notice it carries is pending again, kept in its
            // file for the next start (the close persists it): before, it went with the batch, and the close deleted the file.
            if (noticeId is not null)
            {
                _drops.ReturnTaken(noticeId);
            }

            return true;
        }

        var userEvents = batch.Count(e => !e.IsExtra);
        try
        {
            // A copy when the spool keeps the batch in memory until it is sent (the worker reuses its list); else the
            // spool only writes it, and a copy per batch was garbage.
            _spool.Append(new LogBatch(batchId, _spool.KeepsRecent ? new List<LogEvent>(batch) : batch, _identity), userEvents);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(e);
            KeepDropNotice(); // a notice it carries goes from memory (deleting the file works on a full disk)
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not the disk: the writer failed on this batch (a bug of ours). It goes from memory, where the sink decides
            // (and a poison event is found and dropped alone); the spool goes on. Thrown on, it left the worker with a
            // batch off the queue that nothing settled, and a batch half delivered that the worker's catch-all counted again.
            _failures.InternalError(e);
            _drops.Persist(_selfLog.Write); // a notice it carries goes from memory: its file is no longer the only copy
            return false;
        }

        _ledger.MoveToSpool(userEvents);
        _probeWritten |= _probing;
        if (noticeId is not null)
        {
            _drops.NoticeWritten(); // its file goes once the record is fsynced (Sync): a power cut could lose the record first
        }

        _drops.Persist(_selfLog.Write); // what the write dropped for room
        return true;
    }

    /// <summary>
    /// Keeps <see cref="DropNoticeFile"/> right once the spool has stopped (a disk failure), while its directory is still
    /// ours: a notice taken into a batch that goes from memory is deleted from the file, since that batch goes under a new
    /// id. Before, the file kept it, the close kept the folder for it, and the next start sent it again under the file's
    /// id: the collector counted those drops twice.
    /// </summary>
    private void KeepDropNotice()
    {
        if (_opened)
        {
            _drops.Persist(_selfLog.Write);
        }
    }

    /// <summary>
    /// A notice a previous process kept (<see cref="DropNoticeFile"/>) in a directory being adopted: written as a record of
    /// this spool under the notice's batch id (then its file is deleted), sent after the adopted records as any record.
    /// </summary>
    private void SpoolAdoptedNotice(DropNoticeFile.Content adopted)
    {
        var batch = new List<LogEvent>(adopted.Drops.Count);
        _drops.AddAdopted(adopted, batch);
        foreach (var notice in batch)
        {
            notice.Sequence = _nextSequence();
        }

        _spool.Append(new LogBatch(adopted.BatchId, batch, _identity), countedEvents: 0, uncapped: true); // drops nothing for its room
        _spool.Sync();
    }

    /// <summary>Makes what was written durable (one fsync for the batches of a round).</summary>
    public void Sync()
    {
        if (_active)
        {
            try
            {
                _spool.Sync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failed(e); // a notice written since the last sync stays in its file too: the next start sends it under the record's id
                return;
            }

            _drops.Synced(_selfLog.Write); // a notice's record is durable: its file goes now
            if (_probeWritten)
            {
                _probing = _probeWritten = false;
                _saidFailure = null;
                _selfLog.Write($"The spool at {_spool.DirectoryPath} works again: events are spooled again.");
            }
        }
    }

    /// <summary>
    /// Sends what the spool holds, oldest first; while each is sent (however long a hung receiver takes), moves what is
    /// logged from memory to disk at every interval, and at once when woken (a flush, the shutdown). First, when one is
    /// due, looks for spools other processes or handlers left (<see cref="DurableSpool.AdoptAbandoned"/>), unless
    /// <paramref name="stopping"/>.
    /// </summary>
    public async Task DeliverSpooledAsync(BatchDelivery delivery, CancellationToken token, bool stopping = false)
    {
        AdoptAbandoned(look: !stopping, token);
        while (_active || _down)
        {
            SpoolEntry entry;
            try
            {
                var read = _spool.TryReadNext(out entry);
                KeepDropNotice(); // what the age cap or a torn record dropped
                if (!read)
                {
                    if (_down && _sentSinceTry && !stopping && !token.IsCancellationRequested)
                    {
                        _sentSinceTry = false;
                        TryAgain(); // what it held is sent and deleted: there may be room now
                    }

                    return;
                }

                _sentSinceTry |= _down;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failed(e);
                return;
            }

            var acknowledged = false;

            // From disk, to a sink that takes envelopes: the stored bytes go as they are (no parse, no new JSON);
            // a batch the receiver does not take at once is parsed and goes the ordinary way (retry, split, poison). A record
            // whose first events were settled before a crash (held for content refusals) goes without them.
            if (entry.Envelope is not { } envelope || entry.Skip > 0 || !await MoveQueueWhileSendingAsync(() => delivery.TrySendEnvelopeAsync(envelope, entry.EventCount, _identity, token), token).ConfigureAwait(false))
            {
                if (_spool.ReadBatch(entry) is not { } batch)
                {
                    continue; // unreadable: skipped and counted
                }

                var events = (List<LogEvent>)batch.Events;
                var skip = Math.Min(entry.Skip, events.Count);
                var settledFirst = skip;
                void SettledUpTo(LogEvent? firstUnsettled)
                {
                    using var gate = _gate.EnterScope(); // the ticker may be writing to the spool meanwhile
                    if (acknowledged)
                    {
                        return;
                    }

                    if (firstUnsettled is null)
                    {
                        // Every event settled (dropped alone, or refused whatever it carries) and the delivery waits the
                        // backoff for the next batch: acknowledged first.
                        _spool.Acknowledge(entry);
                        acknowledged = true;
                        return;
                    }

                    // The first events settled (a split's halves delivered or refused, a round's events refused alone), the
                    // others waiting (a backoff, a retry) or left by the shutdown deadline: the bookmark says so first.
                    var settled = events.IndexOf(firstUnsettled, skip);
                    if (settled > settledFirst)
                    {
                        settledFirst = settled;
                        _spool.SettleFirst(entry, settled, events.Take(settled).Count(e => !e.IsExtra));
                    }
                }

                await MoveQueueWhileSendingAsync(DeliverAsync, token).ConfigureAwait(false);

                async Task<bool> DeliverAsync()
                {
                    await delivery.DeliverAsync(events, skip, events.Count - skip, skip > 0 ? null : batch.Id, batch.Identity, spooled: true, SettledUpTo, token).ConfigureAwait(false);
                    return true;
                }
            }

            if (!acknowledged)
            {
                _spool.Acknowledge(entry);
            }

            // A backlog can take minutes to send: keep moving full batches from memory to disk meanwhile,
            // so the spool, not the memory queue, buffers what is logged until the backlog is sent.
            MoveQueueToSpool(drainAll: false, token);
        }
    }

    /// <summary>
    /// Adopts the spools found held at <see cref="Open"/> by an abandoned worker of this process that let go, and, when a
    /// look is due and <paramref name="look"/>, those of processes or handlers that ended since (<see cref="DurableSpool.AdoptAbandoned"/>),
    /// before the spool is read, no record being sent: their events are counted adopted, and sent first. None once the
    /// shutdown's deadline passed or the books are frozen, and no look while the handler stops: those stay for the next start.
    /// </summary>
    private void AdoptAbandoned(bool look, CancellationToken token)
    {
        if ((!_active && !_down) || !_spool.AdoptionDue(look) || token.IsCancellationRequested || _ledger.IsFrozen)
        {
            return;
        }

        // A spool that cannot be read is said by the spool, left as it was and tried again: nothing of it is adopted.
        var before = _spool.PendingEvents;
        _spool.AdoptAbandoned(look);
        if (_spool.PendingEvents - before is > 0 and var adopted)
        {
            _ledger.Adopt(adopted);
        }

        if (_down && look)
        {
            TryAgain();
        }
    }

    /// <summary>Sends, from memory, what the spool refused when it broke (first thing each round).</summary>
    public async Task DeliverCarriedAsync(BatchDelivery delivery, CancellationToken token)
    {
        if (_carried.Count > 0)
        {
            var carried = new List<LogEvent>(_carried);
            _carried.Clear();
            await delivery.DeliverAsync(carried, 0, carried.Count, null, _identity, spooled: false, settledUpTo: null, token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits out a retry delay. While the spool works, the memory queue moves to disk (synced) as the wait begins, then at
    /// each tick meanwhile, so a long outage fills the disk (bounded) rather than dropping from memory, and a crash during
    /// the wait loses only what was logged since the last move. Before, the first move came at the next tick (an
    /// <c>Interval</c> on): a <c>SIGKILL</c> right after the first failed send lost 1,176 of 1,409 accepted events
    /// (review15), and an app logging while a send failed lost those events if killed during the backoff. A spooled batch's retry while
    /// the handler stops, with everything logged on disk, is not waited for: the shutdown ends there (the worker's
    /// <c>allOnDiskAtShutdown</c>), and throws <see cref="OperationCanceledException"/> as at its deadline; so does a wait
    /// under way when the shutdown begins, once its send's ticker has moved the queue to disk.
    /// </summary>
    public async Task WaitBeforeRetryAsync(TimeSpan delay, CancellationToken token)
    {
        if (!_active || _ticking)
        {
            // A spooled batch's retry: the ticker of its send moves the queue (one waiter on the timer's wake), and ends
            // the shutdown when it begins during this wait (MoveQueueWhileSendingAsync). Said before the check below,
            // with a full fence: a shutdown that begins between the two is then seen by one of them. So while the spool is
            // down (a dead process's record, or its own held since the failure, sent from disk): with nothing the app
            // logged in memory, what the retry would send stays on disk for the next start. Before, only while the spool
            // worked: a handler whose own spool could not be made, sending only adopted spools, waited out the whole budget.
            var fromDisk = _ticking;
            if (fromDisk)
            {
                _retryWaiting = true;
                Interlocked.MemoryBarrier();
            }

            try
            {
                if (fromDisk)
                {
                    // The send failed: what was logged until now goes to disk before the wait, not at the ticker's next tick
                    // (the ticker's moves and this one take turns at the gate). Then, everything on disk, the shutdown ends.
                    MoveQueueToSpool(drainAll: true, token);
                    if (EndShutdownOnDisk())
                    {
                        token.ThrowIfCancellationRequested();
                    }
                }

                await _timer.DelayAsync(delay, token).ConfigureAwait(false);
            }
            finally
            {
                _retryWaiting = false;
            }

            return;
        }

        // A batch from memory failed (one the spool's writer threw on, or one carried since the spool broke): the queue goes
        // to disk as the wait begins, then at each tick.
        MoveQueueToSpool(drainAll: true, token);
        var start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < delay)
        {
            var left = delay - _time.GetElapsedTime(start);
            await _timer.DelayAsync(left < _interval ? left : _interval, token).ConfigureAwait(false);
            MoveQueueToSpool(drainAll: true, token);
        }
    }

    /// <summary>
    /// Whether the shutdown ended because every event is on disk. Only while the spool works, or is down and sends what it
    /// holds (<see cref="_down"/>: the app's events are then in memory, and the worker's check says so), and carries
    /// nothing: what it refused is carried in memory (<see cref="_carried"/>) and deserves the whole budget. Asked under <see cref="_gate"/>,
    /// which a move of the queue to disk on the ticker holds from taking events off the queue to the fsync of what it wrote
    /// (the books count them spooled once written): so the check never passes between that write and its fsync, when an
    /// exit it answers could end the process with the batch not yet durable. The worker's cancellation runs outside the
    /// gate: its callbacks may resume the ticker on this thread.
    /// </summary>
    private bool EndShutdownOnDisk()
    {
        using (_gate.EnterScope())
        {
            if ((!_active && !_down) || _carried.Count > 0 || !_allOnDiskAtShutdown())
            {
                return false;
            }
        }

        _endShutdown();
        return true;
    }

    /// <summary>
    /// The sink's connection attempt stalled (<see cref="IReportsStalledConnects"/>): while a spooled batch is sent, wakes
    /// its ticker, which ends a shutdown in progress once everything is on disk (<see cref="MoveQueueWhileSendingAsync"/>).
    /// Read after the sink's count of stalled attempts rose (a full fence), as the ticker reads that count after
    /// <see cref="_ticking"/> (another): one of the two sees the other.
    /// </summary>
    private void ConnectStalled()
    {
        if (_ticking)
        {
            _timer.Wake();
        }
    }

    /// <summary>
    /// Waits for a spooled batch's send (its retries included) and meanwhile moves the memory queue to disk, everything
    /// there, at every interval and at once when the worker's timer is woken (a flush, the shutdown): a receiver that
    /// accepts and never answers holds a send for the request timeout, and what was logged meanwhile must not wait for it
    /// in memory (the shutdown deadline lost it). A wake consumed here is given back to the worker after the send.
    /// </summary>
    /// <remarks>
    /// The send starts after <see cref="_ticking"/> is set: its first retry's wait may begin before its task returns here (a
    /// 503 answered at once, its continuation on another thread), and must find the ticker there to end a shutdown
    /// (<see cref="WaitBeforeRetryAsync"/>); it found none, waited out the backoff moving the queue, and the disposal the
    /// whole budget.
    /// </remarks>
    private async Task<bool> MoveQueueWhileSendingAsync(Func<Task<bool>> startSend, CancellationToken token)
    {
        var woken = false;
        var send = Task.FromResult(false);
        _ticking = true;
        Interlocked.MemoryBarrier(); // before the stall's check: a stall said since then wakes this ticker (ConnectStalled)
        try
        {
            send = startSend();

            // The send stalls connecting already (a connect of an earlier send still under way): see below.
            if (_connects?.StalledConnect is not null)
            {
                EndShutdownOnDisk();
            }

            while (!send.IsCompleted)
            {
                woken |= await _timer.WaitForWakeAsync(send, _interval, token).ConfigureAwait(false);
                if (!send.IsCompleted)
                {
                    MoveQueueToSpool(drainAll: true, token);

                    // The shutdown began while the send waits out a retry (sending already failing: an app offline for a
                    // while that quits): once the queue is on disk, it ends here, as it does when a retry's wait begins
                    // during the shutdown (WaitBeforeRetryAsync); the wait sees the cancelled token. So it does while the
                    // send stalls connecting (a DNS lookup or a SYN nobody answers: a network without internet, a firewall
                    // that drops it), woken by the stall or by the shutdown: no byte of it went out, no answer can come in
                    // time to matter, and the next start sends the batch (a request already sent is awaited, within the budget).
                    if (_retryWaiting || _connects?.StalledConnect is not null)
                    {
                        EndShutdownOnDisk();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The shutdown deadline: the send sees it too, and ends (waited for below, so nothing uses the sink after this).
        }
        finally
        {
            _ticking = false;
            if (woken)
            {
                _timer.Wake();
            }
        }

        return await send.ConfigureAwait(false);
    }

    /// <summary>At shutdown, after the worker stopped: says what stays on disk for the next start, and closes the spool.</summary>
    public void Close()
    {
        KeepDropNotice(); // a notice still held (a cap was dropping) stays for the next start; one sent from memory does not

        // Its directory deleted while the app ran (or since the last round): made again, what it held written there again
        // from the files still open (DurableSpool.KeepOwn). When it cannot be, what it held is lost, counted and said:
        // before, the line below said it remained, and the next start found nothing.
        string? why = null;
        try
        {
            _spool.KeepOwn();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e.Message;
        }

        if (_spool.DropOwnGone() is > 0 and var lost)
        {
            _selfLog.Write($"{Counted.Events(lost)} {Counted.Agree(lost, "is", "are")} lost: the spool's directory {_spool.DirectoryPath} was deleted while the app ran and could not be made again{(why is null ? "" : $" ({why})")}, and the app quit before {Counted.Agree(lost, "it was", "they were")} sent.");
        }

        // Where they are: the handler's own directory, or, when that was never made (a full disk at the start), the spools
        // earlier runs left, under the BufferDirectory. Before, the own directory was named, which did not exist.
        var left = _spool.PendingEvents;
        if (left > 0)
        {
            var where = _spool.OwnOpen ? _spool.DirectoryPath
                : _spool.OwnDeleted ? $"{_spool.RootPath} (in the spools earlier runs left there)"
                : $"{_spool.RootPath} (in the spools earlier runs left there: this run's own could not be made)";
            _selfLog.Write($"{Counted.Events(left)} {Counted.Agree(left, "remains", "remain")} in the spool at {where}; the next start of the app sends {Counted.Agree(left, "it", "them")}.");
        }

        _spool.Dispose();
    }

    /// <summary>
    /// Moves batches from the memory queue to the spool (one fsync); what the spool refuses is carried in memory. Throws
    /// nothing: it runs inside a spooled batch's retry wait and after its acknowledgement, which an exception left
    /// unsettled (the batch read again from disk, its delivered events sent and counted twice).
    /// </summary>
    private void MoveQueueToSpool(bool drainAll, CancellationToken token)
    {
        using var gate = _gate.EnterScope();
        var batch = _moving;
        var moved = false;
        try
        {
            // Not while the spool is down (or once it failed here): the queue stays in the ring, bounded by MaxQueueBytes, its
            // full mode deciding, as without a spool. Before, while a record held on disk was sent, each tick took the queue
            // into _carried, in memory without bound, for as long as the receiver stayed down.
            while (_active && !token.IsCancellationRequested && _fillBatch(batch, drainAll))
            {
                if (TrySpool(batch))
                {
                    // Written: its events go back to the worker's pool, as after the worker's own spooling. Only cleared,
                    // each batch moved here took a new event per record off the queue: a run whose backlog moved to
                    // disk here rather than in the worker's loop allocated 445 B/event, not 120 (bench/DELIVERY.md).
                    _recycle(batch);
                }
                else
                {
                    _carried.AddRange(batch); // the spool broke: these go from memory, first thing next round
                    batch.Clear();
                }

                moved = true;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Taking events off the queue failed (a bug of ours): what was taken off is counted dropped, once, here;
            // the rest stays queued for the worker's next round.
            _failures.InternalError(e);
            _ledger.Settle(batch, 0, batch.Count, delivered: false, spooled: false);
            batch.Clear();
        }

        if (moved)
        {
            Sync();
        }
    }

    /// <summary>
    /// The spool failed: <paramref name="inUse"/> (a write, a sync or a read), or its own directory could not be made. It
    /// takes no batch from now on (they go from memory), and the segment being written is written no more; what it holds
    /// is still sent, in order and once (its bookmarks), and deleted (<see cref="DeliverSpooledAsync"/>), and it is tried
    /// again after that and at each look (<see cref="TryAgain"/>). Before, a failure in use left it memory-only until the
    /// next start, what it held on disk (and filling it) unsent (review13). Said once for a reason, until it works again:
    /// a disk that stays full is tried again quietly (the statistics' drops and spooled counts tell).
    /// </summary>
    private void Failed(Exception e, bool inUse = true)
    {
        _active = _probing = _probeWritten = false;
        _down = true;
        _spool.StopWriting();
        _sentSinceTry |= _spool.PendingEvents > 0; // what it holds (a record being sent among them) frees room once sent: tried again then
        var reason = $"{e.GetType().Name}: {e.Message}";
        if (reason == _saidFailure)
        {
            return;
        }

        _saidFailure = reason;
        _failures.SpoolFailed(_spool.DirectoryPath, e, inUse, _spool.PendingEvents);
    }
}
