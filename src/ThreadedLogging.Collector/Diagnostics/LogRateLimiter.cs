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
    public const int MaxKeys = 10_000;

    /// <summary>The key that stands for any new key while <see cref="MaxKeys"/> recent ones are remembered.</summary>
    public const string OverflowKey = "(others)";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _oldestKept = long.MinValue;

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
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (_entries.Count >= MaxKeys)
                {
                    Forget(now);
                }

                if (_entries.Count >= MaxKeys)
                {
                    key = OverflowKey;
                    _entries.TryGetValue(key, out entry);
                }
            }

            if (entry is not null && time.GetElapsedTime(entry.LoggedAt, now) < interval)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry?.Suppressed ?? 0;
            _entries[key] = new Entry(now);
            return true;
        }
    }

    /// <summary>
    /// Forgets the keys not logged for an interval. The scan runs only once the oldest key it kept last time may have
    /// aged: a flood of new keys while all are recent (many addresses) costs one comparison each, not a 10,000-key scan.
    /// </summary>
    private void Forget(long now)
    {
        if (_oldestKept != long.MinValue && time.GetElapsedTime(_oldestKept, now) < interval)
        {
            return;
        }

        var oldest = now;
        foreach (var (key, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.LoggedAt, now) >= interval)
            {
                _entries.Remove(key);
            }
            else if (entry.LoggedAt < oldest)
            {
                oldest = entry.LoggedAt;
            }
        }

        _oldestKept = oldest;
    }

    private sealed class Entry(long loggedAt)
    {
        public long LoggedAt { get; } = loggedAt;

        public long Suppressed { get; set; }
    }
}
