using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// What a log call hands its event to, and all it touches: the ring, the count and bytes reserved in it,
/// the full-queue mode (drop or wait), the drop count, and the signal that wakes the worker. Many
/// producers; one consumer (the <see cref="BatchWorker"/>) takes events off with <see cref="TryPeek"/>,
/// <see cref="TryDequeue"/> and <see cref="Release"/>.
/// </summary>
internal sealed class EventQueue
{
    private const int CountShift = 40;
    private const long BytesMask = (1L << CountShift) - 1;
    private readonly EventRing _ring;
    private readonly ThreadedTimer _signal;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly int _maxBatchBytes;
    private readonly long _maxQueueBytes;
    private readonly LogLevel _flushLevel;
    private readonly QueueFullMode _fullMode;
    private readonly object _roomLock = new();
    private int _roomWaiters;
    private int _closed;
    private int _drainRequested;

    // What the queue holds, count and bytes in one word (count << 40 | bytes), so that a log call
    // reserves both with one atomic add. MaxQueueBytes is at most 2^38, far from the count's bits.
    private PaddedLong _queued;

    /// <param name="options">Capacity, byte caps, batch thresholds, flush level and full-queue mode (validated).</param>
    /// <param name="signal">What wakes the worker.</param>
    /// <param name="drops">Counts the calls a full queue refuses.</param>
    public EventQueue(ThreadedHandlerOptions options, ThreadedTimer signal, QueueDrops drops)
    {
        _capacity = options.QueueCapacity;
        _ring = new EventRing(_capacity);
        _batchSize = options.BatchSize;
        _maxBatchBytes = options.MaxBatchBytes;
        _maxQueueBytes = options.MaxQueueBytes;
        _flushLevel = options.FlushLevel;
        _fullMode = options.FullMode;
        _signal = signal;
        Drops = drops;
    }

    /// <summary>Gets the most events the queue holds.</summary>
    public int Capacity => _capacity;

    /// <summary>Gets how many events were ever enqueued (the ring's tail).</summary>
    public long Enqueued => _ring.Enqueued;

    /// <summary>Gets how many events are reserved or queued now.</summary>
    public long Count => Volatile.Read(ref _queued.Value) >> CountShift;

    /// <summary>Gets the estimated bytes reserved or queued now.</summary>
    public long Bytes => Volatile.Read(ref _queued.Value) & BytesMask;

    /// <summary>Gets whether a full batch (by count or bytes) is waiting.</summary>
    public bool HasFullBatch => Count >= _batchSize || Bytes >= _maxBatchBytes;

    /// <summary>Gets the calls refused because the queue was full.</summary>
    public QueueDrops Drops { get; }

    /// <summary>Gets how many callers are blocked waiting for room (<see cref="QueueFullMode.Wait"/>).</summary>
    public int RoomWaiters => Volatile.Read(ref _roomWaiters);

    /// <summary>
    /// Before capturing: when the queue is already full in <see cref="QueueFullMode.DropNewest"/>, count the
    /// drop and skip the capture. Racy on purpose: a stale "there is room" only means that
    /// <see cref="Enqueue"/>'s reservation decides.
    /// </summary>
    public bool TryDropEarly()
    {
        if (_fullMode == QueueFullMode.DropNewest
            && (Volatile.Read(ref _queued.Value) is var queued && ((queued >> CountShift) >= _capacity || (queued & BytesMask) >= _maxQueueBytes) || Volatile.Read(ref _closed) != 0))
        {
            Drops.Add();
            return true;
        }

        return false;
    }

    /// <summary>The only thing a log call does after capturing: reserve room, enqueue, maybe wake the worker.</summary>
    public void Enqueue(LogEvent logEvent)
    {
        if (!TryReserve(logEvent.EstimatedBytes, out var count, out var bytes))
        {
            if (_fullMode != QueueFullMode.Wait || Volatile.Read(ref _closed) != 0 || !WaitForRoom(logEvent.EstimatedBytes, out count, out bytes))
            {
                Drops.Add();
                return;
            }
        }

        _ring.Enqueue(logEvent); // also counts it: Statistics.Enqueued is the ring's tail
        if (logEvent.Level >= _flushLevel)
        {
            RequestDrain();
        }
        else if (count >= _batchSize || bytes >= _maxBatchBytes)
        {
            _signal.Wake();
        }
    }

    /// <summary>Asks the worker to send everything queued now, not only full batches, and wakes it.</summary>
    public void RequestDrain()
    {
        Volatile.Write(ref _drainRequested, 1);
        _signal.Wake();
    }

    /// <summary>Whether a drain was asked for since the last call. Worker only.</summary>
    public bool TakeDrainRequest() => Interlocked.Exchange(ref _drainRequested, 0) == 1;

    /// <summary>The oldest event, if it has been written. Worker only.</summary>
    public bool TryPeek(out LogEvent logEvent) => _ring.TryPeek(out logEvent);

    /// <summary>Removes the oldest event, if it has been written. Worker only; its room is given back by <see cref="Release"/>.</summary>
    public bool TryDequeue(out LogEvent logEvent) => _ring.TryDequeue(out logEvent);

    /// <summary>The worker took events off the queue: give their room back and wake callers waiting for it.</summary>
    public void Release(long count, long bytes)
    {
        Interlocked.Add(ref _queued.Value, -((count << CountShift) + bytes));
        SignalRoom();
    }

    /// <summary>Refuses every call from now on (shutdown) and wakes callers waiting for room.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        SignalRoom();
    }

    /// <summary>After shutdown: empties the queue and returns how many events it held (they are lost).</summary>
    /// <param name="workerStopped">Whether the worker stopped; if not, the count is read, not taken, as the worker may still touch it.</param>
    public long Clear(bool workerStopped)
    {
        var left = workerStopped ? Interlocked.Exchange(ref _queued.Value, 0) >> CountShift : Count;
        _ring.Clear();
        return Math.Max(0, left);
    }

    private bool TryReserve(int size, out long count, out long bytes)
    {
        var reservation = (1L << CountShift) + size;
        var queued = Interlocked.Add(ref _queued.Value, reservation);
        count = queued >> CountShift;
        bytes = queued & BytesMask;
        // One event always fits, however large, so a single big event is never refused by the byte cap alone.
        if ((count > _capacity || (bytes > _maxQueueBytes && count > 1)) || Volatile.Read(ref _closed) != 0)
        {
            Interlocked.Add(ref _queued.Value, -reservation);
            return false;
        }

        return true;
    }

    /// <summary><see cref="QueueFullMode.Wait"/>: block the caller until the worker makes room; false when the queue was closed first.</summary>
    private bool WaitForRoom(int size, out long count, out long bytes)
    {
        Interlocked.Increment(ref _roomWaiters);
        try
        {
            lock (_roomLock)
            {
                while (!TryReserve(size, out count, out bytes))
                {
                    if (Volatile.Read(ref _closed) != 0)
                    {
                        // Too late to wait: the queue will not drain any more; the caller counts it as a drop.
                        count = bytes = 0;
                        return false;
                    }

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
