namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Event ids that sort like the events: <c>(unix milliseconds &lt;&lt; 20) | counter</c>. The table's
/// rowid order is then the newest-first order, so every index (user, app, ...) is ordered by time for
/// free, a time range is a rowid range, and full-text matches come out of FTS5 newest first (rowid DESC)
/// and stop at the page size. Within one millisecond, events keep their arrival order.
/// </summary>
/// <remarks>
/// A millisecond holds 2^20 ids. Ids never collide (issue 15 §5): once a millisecond is full, its further
/// events take the free ids of the next milliseconds (<see cref="SqliteBatchWriter"/>), so they sort just
/// after the events of those milliseconds, and a time range's upper id bound is widened by the largest
/// such distance ever used (<c>id_spill</c>); the <c>ts</c> condition beside it keeps the answer exact.
/// </remarks>
internal static class SqliteEventIds
{
    public const int CounterBits = 20;
    public const long CounterMask = (1L << CounterBits) - 1;

    /// <summary>The last millisecond an id can hold: 2^43 - 1 ms after 1970, in September 2248.</summary>
    public const long MaxMilliseconds = long.MaxValue >> CounterBits;

    public static long Milliseconds(DateTimeOffset timestamp) =>
        (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMillisecond;

    /// <exception cref="ArgumentOutOfRangeException">The timestamp is after <see cref="MaxMilliseconds"/> (ingest refuses those).</exception>
    public static long Create(DateTimeOffset timestamp, long counter) => Create(Milliseconds(timestamp), counter);

    /// <exception cref="ArgumentOutOfRangeException">The millisecond is after <see cref="MaxMilliseconds"/>.</exception>
    public static long Create(long milliseconds, long counter)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(milliseconds, MaxMilliseconds);
        return (Math.Max(0, milliseconds) << CounterBits) | (counter & CounterMask);
    }

    /// <summary>The smallest id of events at or after <paramref name="time"/> (to the millisecond); clamped to the ids' range.</summary>
    public static long First(DateTimeOffset time) => Math.Clamp(Milliseconds(time), 0, MaxMilliseconds) << CounterBits;

    /// <summary>
    /// An id above every event at or before the millisecond of <paramref name="time"/>, whose ids may lie
    /// up to <paramref name="spillMilliseconds"/> later. A time after the last id's millisecond gives
    /// <see cref="long.MaxValue"/> (issue 15 §7: it overflowed).
    /// </summary>
    public static long After(DateTimeOffset time, long spillMilliseconds = 0)
    {
        var ms = Milliseconds(time);
        return ms >= MaxMilliseconds - spillMilliseconds ? long.MaxValue : (Math.Max(0, ms) + spillMilliseconds + 1) << CounterBits;
    }
}
