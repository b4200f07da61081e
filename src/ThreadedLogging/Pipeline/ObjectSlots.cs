namespace ThreadedLogging;

/// <summary>
/// The few calls a record cannot hold (an exception, a value of another type, very long text) are captured as a
/// <see cref="LogEvent"/> the old way and parked here; their record in the <see cref="RecordRing"/> carries the
/// slot, so they keep their place in the order. Many producers, one consumer; a slot is taken with one
/// compare-and-swap and a full table (a slot still in use a whole lap later) refuses the call, which is then
/// counted as dropped.
/// </summary>
internal sealed class ObjectSlots
{
    private readonly LogEvent?[] _slots;
    private readonly int _mask;
    private int _next;
    private int _inUse;

    public ObjectSlots(int size)
    {
        size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(size, 2));
        _slots = new LogEvent?[size];
        _mask = size - 1;
    }

    /// <summary>Gets how many slots hold an event now (the start hold's budget: <see cref="LevelHold"/>).</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Gets how many slots there are.</summary>
    public int Size => _slots.Length;

    /// <summary>Parks an event; returns its slot, or -1 when the slot it drew is still in use.</summary>
    public int TryAdd(LogEvent logEvent)
    {
        var slot = (Interlocked.Increment(ref _next) - 1) & _mask;
        if (Interlocked.CompareExchange(ref _slots[slot], logEvent, null) is not null)
        {
            return -1;
        }

        Interlocked.Increment(ref _inUse);
        return slot;
    }

    /// <summary>Gives back a slot taken by <see cref="TryAdd"/> whose record was not queued after all.</summary>
    public void Remove(int slot)
    {
        Volatile.Write(ref _slots[slot], null);
        Interlocked.Decrement(ref _inUse);
    }

    /// <summary>Takes the event out of its slot. Consumer only.</summary>
    public LogEvent Take(int slot)
    {
        var logEvent = Interlocked.Exchange(ref _slots[slot], null) ?? throw new InvalidOperationException($"Object slot {slot} is empty.");
        Interlocked.Decrement(ref _inUse);
        return logEvent;
    }

    /// <summary>Drops every parked event (shutdown).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        Volatile.Write(ref _inUse, 0);
    }
}
