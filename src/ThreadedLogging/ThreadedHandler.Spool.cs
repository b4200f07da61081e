namespace ThreadedLogging;

public partial class ThreadedHandler
{
    private readonly DurableSpool? _spool;
    private readonly TimeSpan _interval;
    private readonly List<LogEvent> _carried = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _spoolActive;
    private long _spooled;
    private long _adopted;

    /// <summary>Opens the spool on the worker (never on the caller's thread); a failure leaves the handler in memory-only mode.</summary>
    private void OpenSpool()
    {
        try
        {
            if (_spool is not null)
            {
                _spool.Open();
                _spoolActive = true;

                // What a dead process left behind was logged before anything now: Flush waits for it too.
                var adopted = _spool.PendingEvents;
                Interlocked.Add(ref _adopted, adopted);
                Interlocked.Add(ref _spooled, adopted);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            SpoolFailed(e);
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Writes a batch to the spool; false when there is no (working) spool and the batch must go from memory.</summary>
    private bool TrySpool(List<LogEvent> batch)
    {
        if (!_spoolActive)
        {
            return false;
        }

        if (_abandoned)
        {
            return true; // counted as lost at shutdown already; write nothing more
        }

        var userEvents = batch.Count(e => !e.IsExtra);
        try
        {
            // A copy: the worker reuses its list, and the spool may keep the batch in memory until it is sent.
            _spool!.Append(new LogBatch(NewBatchId(), new List<LogEvent>(batch), Identity), userEvents);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpoolFailed(e);
            return false;
        }

        Interlocked.Add(ref _inFlight, -batch.Count);
        Interlocked.Add(ref _spooled, userEvents);
        return true;
    }

    /// <summary>Sends what the spool holds, oldest first (a dead process's spool before ours).</summary>
    private async Task DeliverSpooledAsync(CancellationToken token)
    {
        while (_spoolActive)
        {
            SpoolEntry entry;
            try
            {
                if (!_spool!.TryReadNext(out entry))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SpoolFailed(e);
                return;
            }

            var events = (List<LogEvent>)entry.Batch.Events;
            await DeliverAsync(events, 0, events.Count, entry.Batch.Id, entry.Batch.Identity, spooled: true, token).ConfigureAwait(false);
            _spool.Acknowledge(entry);
            CompleteFlushWaiters();

            // A backlog can take minutes to send: keep moving full batches from memory to disk meanwhile,
            // so the spool, not QueueCapacity, buffers what is logged until the backlog is sent.
            MoveQueueToSpool(drainAll: false);
        }
    }

    /// <summary>Moves batches from the memory queue to the spool (one fsync); what the spool refuses is carried in memory.</summary>
    private void MoveQueueToSpool(bool drainAll)
    {
        var batch = new List<LogEvent>();
        var moved = false;
        while (!_deadline.IsCancellationRequested && FillBatch(batch, drainAll))
        {
            if (!TrySpool(batch))
            {
                _carried.AddRange(batch); // the spool broke: these go from memory, first thing next round
            }

            moved = true;
            batch.Clear();
        }

        if (moved)
        {
            SyncSpool();
        }
    }

    /// <summary>
    /// Waits out a retry delay. With a spool, the memory queue keeps moving to disk at each tick
    /// meanwhile, so a long outage fills the disk (bounded) rather than dropping from memory.
    /// </summary>
    private async Task WaitBeforeRetryAsync(TimeSpan delay, CancellationToken token)
    {
        if (!_spoolActive)
        {
            await _timer.DelayAsync(delay, token).ConfigureAwait(false);
            return;
        }

        var start = Time.GetTimestamp();
        while (Time.GetElapsedTime(start) < delay)
        {
            var left = delay - Time.GetElapsedTime(start);
            await _timer.DelayAsync(left < _interval ? left : _interval, token).ConfigureAwait(false);
            MoveQueueToSpool(drainAll: true);
        }
    }

    private void SyncSpool()
    {
        if (_spoolActive)
        {
            try
            {
                _spool!.Sync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SpoolFailed(e);
            }
        }
    }

    private async Task DeliverCarriedAsync(CancellationToken token)
    {
        if (_carried.Count > 0)
        {
            var carried = new List<LogEvent>(_carried);
            _carried.Clear();
            await DeliverAsync(carried, 0, carried.Count, null, Identity, spooled: false, token).ConfigureAwait(false);
        }
    }

    private void OnSpoolDropped(int count)
    {
        if (_abandoned)
        {
            return;
        }

        Interlocked.Add(ref _dropped, count);
        Interlocked.Add(ref _spooled, -count);
        Interlocked.Add(ref _settled, count);
    }

    private void SpoolFailed(Exception e)
    {
        _spoolActive = false;
        _lastError = new ErrorRecord($"Spool unavailable: {e.Message}", Time.GetUtcNow());
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        _selfLog.Write($"The spool at {_spool?.DirectoryPath} is unavailable ({e.GetType().Name}: {e.Message}); events are kept in memory only. What it holds stays on disk for the next start.");
    }

    private void CloseSpool()
    {
        if (_spool is null)
        {
            return;
        }

        var left = _spool.PendingEvents;
        if (left > 0)
        {
            _selfLog.Write($"{left} events remain in the spool at {_spool.DirectoryPath}; the next start of the app sends them.");
        }

        _spool.Dispose();
    }
}
