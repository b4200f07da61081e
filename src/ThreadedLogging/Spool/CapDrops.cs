namespace ThreadedLogging;

/// <summary>
/// What a streak of drops dropped since it began — one of the spool's caps (size or age), or a receiver refusing batch
/// after batch (<see cref="BatchDelivery"/>, under its lock) — said once when it begins (a long outage would otherwise
/// say it at every segment or batch), and the exact total once when it ends (<see cref="End"/>: a record left the spool,
/// a batch was taken, or the spool or handler closes). Each drop is counted in the books at once, apart from this. Not
/// thread-safe: one caller at a time.
/// </summary>
/// <param name="first">The first line: given how many events the first drop takes.</param>
/// <param name="total">The last line: given how many events the cap dropped in all.</param>
internal sealed class CapDrops(Func<long, string> first, Func<long, string> total)
{
    private long _dropped = -1; // -1: not dropping

    /// <summary>Gets whether a streak of drops is going (begun, not yet ended).</summary>
    public bool IsDropping => _dropped >= 0;

    /// <summary>The cap drops <paramref name="events"/>: the first line when it begins, reported before the drop (counting it can complete a flush, whose caller may read the self-log).</summary>
    public void Add(long events, Action<string>? report)
    {
        if (_dropped < 0)
        {
            _dropped = 0;
            report?.Invoke(first(events));
        }

        _dropped += events;
    }

    /// <summary>The cap stopped dropping: the total, once.</summary>
    public void End(Action<string>? report)
    {
        if (_dropped >= 0)
        {
            var dropped = _dropped;
            _dropped = -1;
            report?.Invoke(total(dropped));
        }
    }
}
