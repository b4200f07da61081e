namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Event ids that sort like the events: <c>(unix milliseconds &lt;&lt; 20) | counter</c>. The table's
/// rowid order is then the newest-first order, so every index (user, app, ...) is ordered by time for
/// free, a time range is a rowid range, and full-text matches come out of FTS5 newest first (rowid DESC)
/// and stop at the page size. Within one millisecond, events keep their arrival order.
/// </summary>
internal static class SqliteEventIds
{
    public const int CounterBits = 20;
    public const long CounterMask = (1L << CounterBits) - 1;

    public static long Milliseconds(DateTimeOffset timestamp) =>
        (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMillisecond;

    public static long Create(DateTimeOffset timestamp, long counter) =>
        (Math.Max(0, Milliseconds(timestamp)) << CounterBits) | (counter & CounterMask);

    /// <summary>The smallest id of events at or after <paramref name="time"/> (to the millisecond).</summary>
    public static long First(DateTimeOffset time) => Math.Max(0, Milliseconds(time)) << CounterBits;

    /// <summary>The smallest id of events after the millisecond of <paramref name="time"/>.</summary>
    public static long After(DateTimeOffset time) => (Math.Max(0, Milliseconds(time)) + 1) << CounterBits;
}
