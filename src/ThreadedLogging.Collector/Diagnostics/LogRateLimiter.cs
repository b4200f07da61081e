namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// At most one log line per key (a remote address, a kind of failure) per <see cref="Interval"/>, and how many it left
/// out since the last one: a flood of the same refusal (a brute-forcer's wrong keys, every read while PostgreSQL is
/// down) must not fill the log, yet the next line says how many were not written. Memory is bounded: beyond
/// <see cref="MaxKeys"/> keys, those not logged for an interval are forgotten (their counts of lines left out with
/// them), and if all are recent a new key shares <see cref="OverflowKey"/>'s allowance.
/// </summary>
/// <param name="interval">The shortest time between two lines of one key.</param>
/// <param name="time">The clock.</param>
internal sealed class LogRateLimiter(TimeSpan interval, TimeProvider time)
{
    /// <summary>The most keys remembered.</summary>
    public const int MaxKeys = RecentKeys<Entry>.MaxKeys;

    /// <summary>The key that stands for any new key while <see cref="MaxKeys"/> recent ones are remembered.</summary>
    public const string OverflowKey = RecentKeys<Entry>.OverflowKey;

    private readonly Lock _gate = new();
    private readonly RecentKeys<Entry> _entries = new(interval, time);

    /// <summary>Gets the shortest time between two lines of one key.</summary>
    public TimeSpan Interval => interval;

    /// <summary>
    /// Whether a line of <paramref name="key"/> may be written now; when it may, <paramref name="suppressed"/> is how many
    /// were left out since the previous one, and <paramref name="key"/> is <see cref="OverflowKey"/> when it had to share.
    /// </summary>
    public bool TryAcquire(ref string key, out long suppressed)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            var entry = _entries.Find(ref key, now, forgetAged: true);
            if (entry is not null && !_entries.Aged(entry, now))
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry?.Suppressed ?? 0;
            _entries.Set(key, new Entry(now));
            return true;
        }
    }

    /// <summary>A key's last line (<see cref="RecentEntry.Since"/>) and how many were left out since.</summary>
    private sealed class Entry(long loggedAt) : RecentEntry(loggedAt)
    {
        public long Suppressed { get; set; }
    }
}
