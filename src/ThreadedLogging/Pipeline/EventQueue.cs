using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// What a log call hands its event to, and all it touches: the records in flight (<see cref="RecordQueue"/>:
/// bytes, bounded by <see cref="ThreadedHandlerOptions.MaxQueueBytes"/>), the full-queue mode (drop or wait),
/// the drop count, and the signal that wakes the worker. Many producers; one consumer (the
/// <see cref="BatchWorker"/>) takes events off with <see cref="TryPeekBytes"/>, <see cref="Dequeue"/> and
/// <see cref="Release"/>.
/// </summary>
internal sealed class EventQueue : IDisposable
{
    private readonly RecordQueue _records;
    private readonly ThreadedTimer _signal;
    private readonly int _batchSize;
    private readonly int _maxBatchBytes;
    private LogLevel _flushLevel; // lowered to Trace when the process begins to exit (BeginExit)
    private readonly QueueFullMode _fullMode;
    /// <summary>
    /// The mark of the queue whose worker runs in this flow (its sends, a sink's or a wrapped provider's own log calls): set
    /// once by the worker. A mark, not the queue: an execution context a timer keeps must not keep the queue's memory.
    /// </summary>
    private static readonly AsyncLocal<object?> DrainedByThisFlow = new();

    private readonly object _drainMark = new();
    private readonly object _roomLock = new();
    private int _roomWaiters;
    private int _closed;
    private int _drainRequested;
    private Action? _deliverAfterExit;

    /// <param name="options">Capacity, byte caps, batch thresholds, flush level and full-queue mode (validated).</param>
    /// <param name="signal">What wakes the worker.</param>
    /// <param name="drops">Counts the calls a full queue refuses.</param>
    public EventQueue(ThreadedHandlerOptions options, ThreadedTimer signal, QueueDrops drops)
    {
        Capacity = options.QueueCapacity;
        _records = new RecordQueue(options.MaxQueueBytes, options.QueueCapacity);
        _batchSize = options.BatchSize;
        _maxBatchBytes = options.MaxBatchBytes;
        _flushLevel = options.FlushLevel;
        _fullMode = options.FullMode;
        _signal = signal;
        Drops = drops;
    }

    /// <summary>Gets the most events the queue holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many events were ever enqueued, held ones too.</summary>
    public long Enqueued => _records.Enqueued;

    /// <summary>Gets how many events were ever enqueued at their logger's level (<see cref="RecordQueue.EnqueuedAtLevel"/>).</summary>
    public long EnqueuedAtLevel => _records.EnqueuedAtLevel;

    /// <summary>Gets how many calls below their logger's level the start's hold let in (<see cref="RecordQueue.Held"/>).</summary>
    public long Held => _records.Held;

    /// <summary>Gets the table of calls kept as objects (tests).</summary>
    internal ObjectSlots Objects => _records.Objects;

    /// <summary>Gets how many events are queued now.</summary>
    public long Count => _records.Count;

    /// <summary>Gets the counts of the calls added, per thread (tests: <see cref="CallCounts"/>).</summary>
    internal CallCounts Counts => _records.Counts;

    /// <summary>Gets the bytes the queued records take now.</summary>
    public long Bytes => _records.Bytes;

    /// <summary>Gets whether a full batch (by count or bytes) is waiting.</summary>
    public bool HasFullBatch => _records.HasFullBatch(_batchSize, _maxBatchBytes);

    /// <summary>Gets the calls refused: the queue was full, or the disposal had begun.</summary>
    public QueueDrops Drops { get; }

    /// <summary>
    /// Tests: called on a caller's thread each time it is about to block waiting for room (<see cref="QueueFullMode.Wait"/>),
    /// under the room lock: the signal that a call waits, where a test would otherwise poll a count of waiters.
    /// </summary>
    internal Action? WaitingForRoom { get; set; }

    /// <summary>
    /// Before capturing: when the queue is already full in <see cref="QueueFullMode.DropNewest"/>, count the
    /// drop and skip the capture. Racy on purpose: a stale "there is room" only means that the commit decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDropEarly()
    {
        if (_fullMode == QueueFullMode.DropNewest && (_records.IsFull || Volatile.Read(ref _closed) != 0))
        {
            CountRefused();
            return true;
        }

        return false;
    }

    /// <summary>
    /// Before capturing a call below its logger's level that the start's hold lets in (<see cref="LevelHold"/>): whether
    /// the hold's budget has room for it (the queue under a quarter full); if not, the refusal is counted
    /// (<see cref="QueueDrops.HeldRefused"/>, no drop) and the call returns at once, in every full mode.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool AdmitsHeld()
    {
        if (_records.AdmitsHeld)
        {
            return true;
        }

        Drops.AddHeldRefused();
        return false;
    }

    /// <summary>The log call after the level check: encode the call into a record, add it, maybe wake the worker.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Log<TState>(string category, LogLevel level, EventId eventId, in TState state, Exception? exception, Func<TState, Exception?, string> formatter, ScopeReader? scopes, DateTimeOffset timestamp)
    {
        var caller = CallerThread.Current;
        if (caller.InCall)
        {
            if (caller.Reentered() is not { } nested)
            {
                Drops.AddReentrant(); // a third level on one thread (app code logging inside a call inside a call): dropped, counted apart from a full queue's
                return;
            }

            caller = nested;
        }

        caller.InCall = true;
        try
        {
            if (!_records.TryEncode(caller, category, level, eventId, in state, exception, formatter, scopes, timestamp) && !ParkAfterWait(caller, level))
            {
                return;
            }

            Commit(caller, level);
        }
        finally
        {
            caller.InCall = false;
        }
    }

    /// <summary>Adds an event captured before (tests, benchmarks): it travels as an object.</summary>
    public void Enqueue(LogEvent logEvent)
    {
        var caller = CallerThread.Current;
        if (!_records.TryEncode(caller, logEvent) && !ParkAfterWait(caller, logEvent.Level))
        {
            return;
        }

        Commit(caller, logEvent.Level);
    }

    /// <summary>
    /// Marks the calling flow (the worker's, and whatever it awaits: the sink's send) as this queue's drain, so that a log
    /// call made there never waits for room in <see cref="QueueFullMode.Wait"/>: only this flow makes room.
    /// </summary>
    public void MarkDrainingFlow() => DrainedByThisFlow.Value = _drainMark;

    /// <summary>Gets whether the caller runs in this queue's worker flow (<see cref="MarkDrainingFlow"/>): a call there must never wait for the worker.</summary>
    private bool InDrainingFlow => ReferenceEquals(DrainedByThisFlow.Value, _drainMark);

    /// <summary>Asks the worker to send everything queued now, not only full batches, and wakes it.</summary>
    public void RequestDrain()
    {
        Volatile.Write(ref _drainRequested, 1);
        _signal.Wake();
    }

    /// <summary>Whether a drain was asked for since the last call. Worker only.</summary>
    public bool TakeDrainRequest() => Interlocked.Exchange(ref _drainRequested, 0) == 1;

    /// <summary>The size of the oldest record, if it has been written. Worker only.</summary>
    public bool TryPeekBytes(out int bytes) => _records.TryPeekBytes(out bytes);

    /// <summary>
    /// Takes the oldest event (after <see cref="TryPeekBytes"/>), read into <paramref name="reuse"/> when given; null when
    /// its record could not be read (<paramref name="error"/>), which is skipped. Worker only.
    /// </summary>
    public LogEvent? Dequeue(LogEvent? reuse, out Exception? error) => _records.Dequeue(reuse, out error);

    /// <summary>Sets a fault to inject when an event is read off the queue (tests: <see cref="RecordQueue.DecodeFault"/>).</summary>
    internal Action<LogEvent>? DecodeFault
    {
        set => _records.DecodeFault = value;
    }

    /// <summary>The worker took events off the queue: give their room back and wake callers waiting for it.</summary>
    public void Release()
    {
        _records.Release();
        SignalRoom();
    }

    /// <summary>
    /// The process began to exit without disposing the handler (<see cref="ProcessExitFlush"/>): it may end as soon as a
    /// call returns, and the worker would not send in time. From now on every call wakes the worker, and then, outside
    /// the worker's own flow, runs <paramref name="deliver"/>: a wait, bounded by the exit budget, for its delivery.
    /// </summary>
    public void BeginExit(Action deliver)
    {
        Volatile.Write(ref _deliverAfterExit, deliver);
        _flushLevel = LogLevel.Trace;
    }

    /// <summary>Refuses every call from now on (shutdown) and wakes callers waiting for room.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        SignalRoom();
    }

    /// <summary>After shutdown with the worker stopped (nothing reads records any more): empties the queue and returns how many events it held (they are lost).</summary>
    public long Clear() => _records.Clear();

    /// <summary>Takes no record any more; the memory goes once nothing references the queue (a racing call may still copy).</summary>
    public void Dispose() => _records.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(CallerThread caller, LogLevel level)
    {
        if (Volatile.Read(ref _closed) != 0 || !_records.TryCommit(caller, LevelHold.IsMarked(level)))
        {
            if (_fullMode != QueueFullMode.Wait || Volatile.Read(ref _closed) != 0 || LevelHold.IsMarked(level) || !WaitForRoom(caller))
            {
                _records.Abandon(caller);
                CountRefused(level); // a held call never waits: the room it would wait for is the configured level's
                return;
            }
        }

        if (level >= _flushLevel && !LevelHold.IsMarked(level)) // a held call's marked level is no level (Debug | 0x40 = 65 ≥ None)
        {
            RequestDrain();
            if (Volatile.Read(ref _deliverAfterExit) is { } deliver && !InDrainingFlow)
            {
                deliver(); // the process is ending: only a call that waits gets its event out (the worker's own flow would wait for itself)
            }
        }
        else if (!_signal.Woken && HasFullBatch) // the worker already woken: no need to look (the count is a sum over threads)
        {
            _signal.Wake();
        }
    }

    /// <summary>
    /// A refused call (the refusal's branch only): after the disposal began it is counted as that, and a held call
    /// (<paramref name="level"/> marked) as the hold's refusal, not as a full queue's drop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountRefused(LogLevel level = LogLevel.None)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            Drops.AddAfterShutdown();
        }
        else if (LevelHold.IsMarked(level))
        {
            Drops.AddHeldRefused();
        }
        else
        {
            Drops.Add();
        }
    }

    /// <summary>
    /// <see cref="CountRefused"/> for a call the table of calls kept as objects had no slot for: a full queue's drop told
    /// apart in the notice (<see cref="QueueDrops.AddObjectTableFull"/>).
    /// </summary>
    private void CountObjectTableRefused(LogLevel level)
    {
        if (Volatile.Read(ref _closed) != 0 || LevelHold.IsMarked(level))
        {
            CountRefused(level);
        }
        else
        {
            Drops.AddObjectTableFull();
        }
    }

    /// <summary>
    /// The call had to be kept as an object and the table of those (<see cref="ObjectSlots"/>, sized past the queue's
    /// bytes) had no free slot (for a held call: a quarter of it, the start hold's budget): in <see cref="QueueFullMode.Wait"/> wait for the
    /// worker to free a slot, as for a full queue (never a held call); otherwise (or when the wait ends without one) count
    /// the call as refused. Returns whether the event is parked now.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ParkAfterWait(CallerThread caller, LogLevel level)
    {
        if (_fullMode == QueueFullMode.Wait && Volatile.Read(ref _closed) == 0 && !LevelHold.IsMarked(level) && WaitForRoom(caller, forObjectSlot: true))
        {
            return true;
        }

        RecordQueue.ForgetUnparked(caller);
        CountObjectTableRefused(level);
        return false;
    }

    /// <summary>
    /// <see cref="QueueFullMode.Wait"/>: block the caller until the worker makes room (for the record the caller's writer
    /// holds, or <paramref name="forObjectSlot"/>: a slot for the object it could not park); false when the queue was
    /// closed first, or the caller is the worker's own flow.
    /// </summary>
    private bool WaitForRoom(CallerThread caller, bool forObjectSlot = false)
    {
        if (InDrainingFlow)
        {
            return false; // the sink logging into its own handler: waiting would stop the worker that makes room (a drop, counted)
        }

        Interlocked.Increment(ref _roomWaiters);
        try
        {
            lock (_roomLock)
            {
                while (!(forObjectSlot ? _records.TryParkAgain(caller) : _records.TryCommit(caller, held: false))) // a held call never waits
                {
                    if (Volatile.Read(ref _closed) != 0)
                    {
                        return false; // too late to wait: the queue will not drain any more; the caller counts it as a drop
                    }

                    RequestDrain(); // what is queued is all the worker will get: it must not wait for the clock or a full batch
                    WaitingForRoom?.Invoke();
                    Monitor.Wait(_roomLock);
                }
            }

            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _roomWaiters);
        }
    }

    private void SignalRoom()
    {
        if (Volatile.Read(ref _roomWaiters) > 0)
        {
            lock (_roomLock)
            {
                Monitor.PulseAll(_roomLock);
            }
        }
    }
}
