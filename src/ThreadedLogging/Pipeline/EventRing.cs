namespace ThreadedLogging;

/// <summary>
/// The handler's queue: a ring of event references, many producers, one consumer (the worker).
/// Allocated once (the capacity rounded up to a power of two, 8 bytes a slot), so enqueueing allocates
/// nothing — unlike <c>ConcurrentQueue</c>, whose segments are new arrays (up to 16 MB on the large
/// object heap) as it cycles.
/// </summary>
/// <remarks>
/// The ring never overflows because the handler reserves room (its queued count, at most the capacity)
/// before <see cref="Enqueue"/> and releases it only after <see cref="TryDequeue"/>: the slot a producer
/// takes was emptied at least a whole lap earlier. A producer between taking its index and writing its
/// slot leaves a gap that the consumer treats as "empty for now", so events come out in index order.
/// </remarks>
internal sealed class EventRing
{
    private readonly LogEvent?[] _slots;
    private readonly long _mask;
    private PaddedLong _tail; // the producers' and the worker's indexes, each alone on its cache line
    private PaddedLong _head;

    public EventRing(int capacity)
    {
        var size = (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2)));
        _slots = new LogEvent?[size];
        _mask = size - 1;
    }

    /// <summary>Gets how many events were ever enqueued (the next producer index).</summary>
    public long Enqueued => Volatile.Read(ref _tail.Value);

    /// <summary>Adds an event. Only after a successful reservation (see remarks).</summary>
    public void Enqueue(LogEvent logEvent)
    {
        var index = Interlocked.Increment(ref _tail.Value) - 1;
        Volatile.Write(ref _slots[index & _mask], logEvent);
    }

    /// <summary>The oldest event, if it has been written. Consumer only.</summary>
    public bool TryPeek(out LogEvent logEvent)
    {
        logEvent = Volatile.Read(ref _slots[_head.Value & _mask])!;
        return logEvent is not null;
    }

    /// <summary>Removes the oldest event, if it has been written. Consumer only.</summary>
    public bool TryDequeue(out LogEvent logEvent)
    {
        ref var slot = ref _slots[_head.Value & _mask];
        logEvent = Volatile.Read(ref slot)!;
        if (logEvent is null)
        {
            return false;
        }

        slot = null;
        _head.Value++;
        return true;
    }

    /// <summary>Drops every queued reference (shutdown, after the worker stopped).</summary>
    public void Clear() => Array.Clear(_slots);

}
