namespace ThreadedLogging;

/// <summary>
/// One kind of the queue's drops (<see cref="QueueDrops"/>): how many, how many the notices covered so far, and when the
/// first and last since the last notice were. Producers add; only the worker takes. A field of its owner, never copied.
/// </summary>
internal struct DropTally
{
    private long _count;
    private long _reported; // worker only
    private long _firstTicks; // 0: none since the last notice
    private long _lastTicks;

    /// <summary>Gets how many drops were counted so far.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Gets whether a drop was stamped since the last notice (its times are kept).</summary>
    public bool Stamped => Volatile.Read(ref _firstTicks) != 0;

    /// <summary>A drop at <paramref name="nowTicks"/> (UTC): its time first, then its count, so that a notice that counts it has its time.</summary>
    public void Add(long nowTicks)
    {
        Interlocked.CompareExchange(ref _firstTicks, nowTicks, 0);
        Volatile.Write(ref _lastTicks, nowTicks);
        Interlocked.Increment(ref _count);
    }

    /// <summary>A drop within the clock's tick of the last stamped one (<see cref="Stamped"/>): counted, its time that one's.</summary>
    public void AddUnstamped() => Interlocked.Increment(ref _count);

    /// <summary>
    /// The drops since the last take: how many, and when the first and last were; false when none. Worker only.
    /// </summary>
    public bool TryTake(out long count, out DateTimeOffset first, out DateTimeOffset last)
    {
        var dropped = Volatile.Read(ref _count);
        count = dropped - _reported;
        if (count == 0)
        {
            first = last = default;
            return false;
        }

        _reported = dropped;
        var lastTicks = Volatile.Read(ref _lastTicks);
        var firstTicks = Interlocked.Exchange(ref _firstTicks, 0);
        first = new DateTimeOffset(firstTicks != 0 ? Math.Min(firstTicks, lastTicks) : lastTicks, TimeSpan.Zero);
        last = new DateTimeOffset(lastTicks, TimeSpan.Zero);
        return true;
    }
}
