namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// Per-key entries (a remote address, a kind of failure) of which only the recent matter, in bounded memory: beyond
/// <see cref="MaxKeys"/> keys, those older than the window are forgotten, and if none is, a new key shares
/// <see cref="OverflowKey"/>'s entry. The home of the bound for <see cref="LogRateLimiter"/> and the wrong-key limit.
/// Not thread-safe: its owner locks.
/// </summary>
/// <typeparam name="TEntry">What is kept per key; <see cref="RecentEntry.Since"/> is when its window began.</typeparam>
/// <param name="window">How long an entry matters from its <see cref="RecentEntry.Since"/>.</param>
/// <param name="time">The clock of the stamps.</param>
internal sealed class RecentKeys<TEntry>(TimeSpan window, TimeProvider time)
    where TEntry : RecentEntry
{
    /// <summary>The most keys remembered.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>The key that stands for any new key while <see cref="MaxKeys"/> recent ones are remembered.</summary>
    public const string OverflowKey = "(others)";

    private readonly Dictionary<string, TEntry> _entries = new(StringComparer.Ordinal);
    private long _oldestKept = long.MinValue;

    /// <summary>
    /// The entry of <paramref name="key"/>, or <see langword="null"/>. A key not remembered while <see cref="MaxKeys"/>
    /// are becomes <see cref="OverflowKey"/> (its entry is the answer) — after the aged ones are forgotten when
    /// <paramref name="forgetAged"/>, so it may find room.
    /// </summary>
    public TEntry? Find(ref string key, long now, bool forgetAged)
    {
        if (_entries.TryGetValue(key, out var entry) || _entries.Count < MaxKeys)
        {
            return entry;
        }

        if (forgetAged)
        {
            Forget(now);
            if (_entries.Count < MaxKeys)
            {
                return null;
            }
        }

        key = OverflowKey;
        return _entries.GetValueOrDefault(key);
    }

    /// <summary>Whether <paramref name="entry"/>'s window has ended at <paramref name="now"/>.</summary>
    public bool Aged(TEntry entry, long now) => time.GetElapsedTime(entry.Since, now) >= window;

    /// <summary>Keeps <paramref name="entry"/> for <paramref name="key"/>.</summary>
    public void Set(string key, TEntry entry) => _entries[key] = entry;

    /// <summary>
    /// Forgets the entries whose window ended. The scan runs only once the oldest entry it kept last time may have
    /// aged: a flood of new keys while all are recent (many addresses) costs one comparison each, not a 10,000-key scan.
    /// </summary>
    private void Forget(long now)
    {
        if (_oldestKept != long.MinValue && time.GetElapsedTime(_oldestKept, now) < window)
        {
            return;
        }

        var oldest = now;
        foreach (var (key, entry) in _entries)
        {
            if (Aged(entry, now))
            {
                _entries.Remove(key);
            }
            else if (entry.Since < oldest)
            {
                oldest = entry.Since;
            }
        }

        _oldestKept = oldest;
    }
}

/// <summary>What <see cref="RecentKeys{TEntry}"/> keeps per key: at least when its window began.</summary>
/// <param name="since">The timestamp (<see cref="TimeProvider.GetTimestamp"/>) its window began.</param>
internal abstract class RecentEntry(long since)
{
    /// <summary>Gets the timestamp its window began.</summary>
    public long Since { get; } = since;
}
