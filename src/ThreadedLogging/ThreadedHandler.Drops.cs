using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

public partial class ThreadedHandler
{
    internal const string OwnCategory = "ThreadedLogging";
    private readonly object _roomLock = new();
    private int _roomWaiters;
    private long _dropped; // events lost after they were queued (failed sends, spool caps, shutdown)
    private long _queueDrops; // log calls refused because the queue was full: the only counter a drop adds to
    private long _queueDropsReported; // worker only: how many of those the drop notices covered so far
    private long _firstDropTicks;
    private long _lastDropTicks;
    private long _lastDropClockTick;

    /// <summary>
    /// Before capturing: when the queue is already full in <see cref="QueueFullMode.DropNewest"/>, count the
    /// drop and skip the capture. Racy on purpose: a stale "there is room" only means that
    /// <see cref="Enqueue"/>'s reservation decides.
    /// </summary>
    internal bool TryDropEarly()
    {
        if (_fullMode == QueueFullMode.DropNewest
            && (Volatile.Read(ref _queued.Value) is var queued && ((queued >> CountShift) >= _capacity || (queued & BytesMask) >= _maxQueueBytes) || Volatile.Read(ref _disposed) != 0))
        {
            CountDropped();
            return true;
        }

        return false;
    }

    /// <summary>A log call found the queue full: count it, and remember when, for the drop notice.</summary>
    private void CountDropped()
    {
        Interlocked.Increment(ref _queueDrops);

        // When: the precise clock costs as much as the rest of a drop (~40 ns of vDSO on a slow VM), and a queue
        // stays full for many calls. With the system clock it is read at most once per coarse tick
        // (Environment.TickCount64, 1–4 ms), so the notice's times are right to within a tick; an injected
        // TimeProvider is read on every drop.
        if (_systemClock)
        {
            var tick = Environment.TickCount64;
            if (tick == Volatile.Read(ref _lastDropClockTick) && Volatile.Read(ref _firstDropTicks) != 0)
            {
                return;
            }

            Volatile.Write(ref _lastDropClockTick, tick);
        }

        var now = Time.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _firstDropTicks, now, 0);
        Volatile.Write(ref _lastDropTicks, now);
    }

    /// <summary><see cref="QueueFullMode.Wait"/>: block the caller until the worker makes room (or the handler is disposed).</summary>
    private void WaitForRoom(int size, out long count, out long bytes)
    {
        Interlocked.Increment(ref _roomWaiters);
        try
        {
            lock (_roomLock)
            {
                while (!TryReserve(size, out count, out bytes))
                {
                    if (Volatile.Read(ref _disposed) != 0)
                    {
                        // Too late to wait: count it like a drop, the queue will not drain any more.
                        CountDropped();
                        count = bytes = 0;
                        return;
                    }

                    Monitor.Wait(_roomLock);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _roomWaiters);
        }
    }

    /// <summary>Called by the worker after it dequeued: wakes callers blocked in <see cref="WaitForRoom"/>.</summary>
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

    /// <summary>When drops happened, the worker ships one warning event saying how many and when.</summary>
    private LogEvent? TakeDropNotice()
    {
        var dropped = Volatile.Read(ref _queueDrops);
        var count = dropped - _queueDropsReported;
        if (count == 0)
        {
            return null;
        }

        _queueDropsReported = dropped;
        var lastTicks = Volatile.Read(ref _lastDropTicks);
        var firstTicks = Interlocked.Exchange(ref _firstDropTicks, 0);
        var first = new DateTimeOffset(firstTicks != 0 ? Math.Min(firstTicks, lastTicks) : lastTicks, TimeSpan.Zero);
        var last = new DateTimeOffset(lastTicks, TimeSpan.Zero);
        ThreadedLoggingEventSource.Log.EventsDropped(count);
        _selfLog.Write($"{count} events dropped between {first:O} and {last:O}: the queue was full.");
        var message = $"ThreadedLogging dropped {count} events between {first:O} and {last:O}: the queue was full";
        return LogEvent.Create(
            Time.GetUtcNow(),
            LogLevel.Warning,
            OwnCategory,
            message,
            new("DroppedCount", count),
            new("FirstDrop", first),
            new("LastDrop", last));
    }
}
