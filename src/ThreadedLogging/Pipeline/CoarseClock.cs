namespace ThreadedLogging;

/// <summary>
/// The log call's time when <see cref="ThreadedHandlerOptions.CoarseTimestamps"/> is set: the system clock read once per
/// step of the coarse tick count (<see cref="Environment.TickCount64"/>: Linux's coarse monotonic clock, 4 ms steps on
/// the machines measured; Windows' tick, about 16 ms) on each thread, and that time given to every call the thread makes
/// within the step — as NLog's default FastLocal time source does. A precise read costs ~30–40 ns on a VM (the TSC read
/// and its conversion), the tick ~7 ns.
/// </summary>
internal static class CoarseClock
{
    [ThreadStatic]
    private static Reading t_last;

    /// <summary>The time of a call on this thread: the precise clock at the first call of the current tick.</summary>
    public static DateTimeOffset UtcNow() => Read(ref t_last, Environment.TickCount64, static () => TimeProvider.System.GetUtcNow());

    /// <summary>The time for a call at <paramref name="tick"/>: <paramref name="last"/>'s when the tick has not moved, else <paramref name="precise"/> read now and kept.</summary>
    internal static DateTimeOffset Read(ref Reading last, long tick, Func<DateTimeOffset> precise)
    {
        if (last.Time == default || last.Tick != tick) // default: none taken yet on this thread (no clock reads year 1)
        {
            last = new Reading(tick, precise());
        }

        return last.Time;
    }

    /// <summary>One thread's last precise reading and the tick it was taken at.</summary>
    internal readonly struct Reading(long tick, DateTimeOffset time)
    {
        public long Tick { get; } = tick;

        public DateTimeOffset Time { get; } = time;
    }
}
