using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The log calls a full queue refused: how many, when the first and last were, and the warning event
/// the worker ships about them. Producers count; only the worker takes notices.
/// </summary>
internal sealed class QueueDrops(TimeProvider time, SelfLog selfLog)
{
    /// <summary>The category of the events the pipeline writes about itself (drop notices).</summary>
    internal const string OwnCategory = "ThreadedLogging";

    private readonly bool _systemClock = ReferenceEquals(time, TimeProvider.System);
    private long _count; // log calls refused because the queue was full: the only counter a drop adds to
    private long _reported; // worker only: how many of those the drop notices covered so far
    private long _firstTicks;
    private long _lastTicks;
    private long _lastClockTick;

    /// <summary>Gets how many log calls were refused so far.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>A log call found the queue full: count it, and remember when, for the drop notice.</summary>
    public void Add()
    {
        Interlocked.Increment(ref _count);

        // When: the precise clock costs as much as the rest of a drop (~40 ns of vDSO on a slow VM), and a queue
        // stays full for many calls. With the system clock it is read at most once per coarse tick
        // (Environment.TickCount64, 1–4 ms), so the notice's times are right to within a tick; an injected
        // TimeProvider is read on every drop.
        if (_systemClock)
        {
            var tick = Environment.TickCount64;
            if (tick == Volatile.Read(ref _lastClockTick) && Volatile.Read(ref _firstTicks) != 0)
            {
                return;
            }

            Volatile.Write(ref _lastClockTick, tick);
        }

        var now = time.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _firstTicks, now, 0);
        Volatile.Write(ref _lastTicks, now);
    }

    /// <summary>When drops happened since the last notice, one warning event saying how many and when. Worker only.</summary>
    public LogEvent? TakeNotice()
    {
        var dropped = Volatile.Read(ref _count);
        var count = dropped - _reported;
        if (count == 0)
        {
            return null;
        }

        _reported = dropped;
        var lastTicks = Volatile.Read(ref _lastTicks);
        var firstTicks = Interlocked.Exchange(ref _firstTicks, 0);
        var first = new DateTimeOffset(firstTicks != 0 ? Math.Min(firstTicks, lastTicks) : lastTicks, TimeSpan.Zero);
        var last = new DateTimeOffset(lastTicks, TimeSpan.Zero);
        ThreadedLoggingEventSource.Log.EventsDropped(count);
        selfLog.Write($"{Counted.Events(count)} dropped between {first:O} and {last:O}: the queue was full.");
        var message = $"ThreadedLogging dropped {Counted.Events(count)} between {first:O} and {last:O}: the queue was full";
        var notice = LogEvent.Create(
            time.GetUtcNow(),
            LogLevel.Warning,
            OwnCategory,
            message,
            new("DroppedCount", count),
            new("FirstDrop", first),
            new("LastDrop", last));
        notice.IsExtra = true;
        return notice;
    }
}
