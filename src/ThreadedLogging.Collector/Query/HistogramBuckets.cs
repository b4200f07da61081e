using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>Picks the buckets of a histogram: the narrowest round width (1 s … 1 d, then whole weeks) that covers a range in at most so many buckets.</summary>
internal static class HistogramBuckets
{
    /// <summary>The widths a reader recognises at a glance, in seconds.</summary>
    private static readonly long[] RoundSeconds = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

    /// <summary>
    /// Buckets covering <c>[from, to]</c>, at most <paramref name="maxBuckets"/>, each starting at a multiple of its width
    /// since the Unix epoch (UTC), so that the same range always gives the same bars.
    /// </summary>
    public static TimeBuckets Choose(DateTimeOffset from, DateTimeOffset to, int maxBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        if (to < from)
        {
            throw new ArgumentException("The range ends before it starts.", nameof(to));
        }

        var minimum = (to - from).Ticks / maxBuckets;
        foreach (var seconds in RoundSeconds)
        {
            if (seconds * TimeSpan.TicksPerSecond >= minimum && TryCover(from, to, TimeSpan.FromSeconds(seconds), maxBuckets) is { } buckets)
            {
                return buckets;
            }
        }

        // Beyond two weeks a bucket: whole weeks, as many as it takes.
        var week = TimeSpan.FromDays(7).Ticks;
        for (var weeks = Math.Max(1, (minimum + week - 1) / week); ; weeks++)
        {
            if (TryCover(from, to, TimeSpan.FromTicks(weeks * week), maxBuckets) is { } buckets)
            {
                return buckets;
            }
        }
    }

    private static TimeBuckets? TryCover(DateTimeOffset from, DateTimeOffset to, TimeSpan width, int maxBuckets)
    {
        // Floor, not truncation: before 1970 the first bucket must still start at or before 'from'; never before year 1.
        var start = Math.Max(0, (Math.DivRem(from.UtcTicks - DateTime.UnixEpoch.Ticks, width.Ticks) is var (q, r) && r < 0 ? q - 1 : q) * width.Ticks + DateTime.UnixEpoch.Ticks);
        var count = (to.UtcTicks - start) / width.Ticks + 1;
        return count <= maxBuckets ? new TimeBuckets(new DateTimeOffset(start, TimeSpan.Zero), width, (int)count) : null;
    }
}
