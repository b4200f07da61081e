namespace ThreadedLogging;

/// <summary>
/// The few calls a record cannot hold (an exception, a value of another type, very long text) are captured as a
/// <see cref="LogEvent"/> the old way and parked here; their record in the <see cref="RecordRing"/> carries the
/// slot, so they keep their place in the order. Many producers, one consumer; a slot is taken with one
/// compare-and-swap.
/// </summary>
/// <remarks>
/// The table grows with use, in chunks of <see cref="ChunkSlots"/> allocated on first use (one compare-and-swap), up to
/// an index space sized by the caller so that the queue's bytes are full before the table is (each object record
/// charges the queue at least <c>RecordQueue.MinObjectCharge</c>). Slots are drawn in turn from the part in use; a slot
/// drawn still in use a lap later means that part is full: when at least half its slots hold an event the part is
/// doubled and drawing goes on in its new half, else the next slot is drawn (a call parked, not yet queued). An empty
/// table costs the index of its chunks (8 bytes each); each chunk in use 512 KiB, kept for the next burst.
/// </remarks>
internal sealed class ObjectSlots
{
    /// <summary>The slots of one chunk, allocated together when first drawn.</summary>
    internal const int ChunkSlots = 64 * 1024;

    private const int ChunkShift = 16;
    private const int Draws = 8;

    private readonly LogEvent?[]?[] _chunks;
    private readonly int _maxMask;
    private int _mask; // the part drawn from: one chunk, doubled as it fills
    private int _next;
    private int _inUse;

    /// <param name="size">The most slots (rounded up to a power of two, at least one chunk, at most 2^30).</param>
    public ObjectSlots(long size)
        : this((long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Clamp(size, ChunkSlots, 1L << 30)), ChunkSlots - 1)
    {
    }

    private ObjectSlots(long size, int mask)
    {
        _chunks = new LogEvent?[]?[Math.Max(1, size >> ChunkShift)];
        _maxMask = (int)(size - 1);
        _mask = mask;
    }

    /// <summary>
    /// Tests: a table of <paramref name="slots"/> slots (a power of two, under one chunk), all drawn from at once and never
    /// grown, so that threads drawing together come round to the same slot all the time and only the slot's
    /// compare-and-swap keeps it from being handed out twice.
    /// </summary>
    internal static ObjectSlots Small(int slots) =>
        slots > 0 && slots < ChunkSlots && (slots & (slots - 1)) == 0
            ? new ObjectSlots(slots, slots - 1)
            : throw new ArgumentOutOfRangeException(nameof(slots), slots, "A power of two under one chunk.");

    /// <summary>Gets how many slots hold an event now (the start hold's budget: <see cref="LevelHold"/>).</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Gets how many slots there may be.</summary>
    public int Size => _maxMask + 1;

    /// <summary>Gets how many slots may be drawn now (the part in use; tests).</summary>
    internal int Drawable => Volatile.Read(ref _mask) + 1;

    /// <summary>Parks an event; returns its slot, or -1 when every slot it drew was in use and the table cannot grow.</summary>
    public int TryAdd(LogEvent logEvent)
    {
        for (var draw = 0; draw < Draws; draw++)
        {
            var mask = Volatile.Read(ref _mask);
            var slot = (Interlocked.Increment(ref _next) - 1) & mask;
            if (Interlocked.CompareExchange(ref Chunk(slot)[slot & (ChunkSlots - 1)], logEvent, null) is null)
            {
                Interlocked.Increment(ref _inUse);
                return slot;
            }

            if (mask < _maxMask && InUse >= (mask + 1) / 2 && Interlocked.CompareExchange(ref _mask, (mask << 1) | 1, mask) == mask)
            {
                Volatile.Write(ref _next, mask + 1); // the new half is empty; the old one is read in order meanwhile
            }
        }

        return -1;
    }

    /// <summary>Gives back a slot taken by <see cref="TryAdd"/> whose record was not queued after all.</summary>
    public void Remove(int slot)
    {
        Volatile.Write(ref _chunks[slot >> ChunkShift]![slot & (ChunkSlots - 1)], null);
        Interlocked.Decrement(ref _inUse);
    }

    /// <summary>Takes the event out of its slot. Consumer only.</summary>
    public LogEvent Take(int slot)
    {
        var chunk = (uint)slot < (uint)Size ? Volatile.Read(ref _chunks[slot >> ChunkShift]) : null;
        var logEvent = (chunk is null ? null : Interlocked.Exchange(ref chunk[slot & (ChunkSlots - 1)], null))
            ?? throw new InvalidOperationException($"Object slot {slot} is empty.");
        Interlocked.Decrement(ref _inUse);
        return logEvent;
    }

    /// <summary>Drops every parked event (shutdown).</summary>
    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            if (chunk is not null)
            {
                Array.Clear(chunk);
            }
        }

        Volatile.Write(ref _inUse, 0);
    }

    /// <summary>The chunk of a slot, allocated when first drawn (one compare-and-swap: a racing allocation is dropped).</summary>
    private LogEvent?[] Chunk(int slot)
    {
        ref var chunk = ref _chunks[slot >> ChunkShift];
        return Volatile.Read(ref chunk) ?? Interlocked.CompareExchange(ref chunk, new LogEvent?[ChunkSlots], null) ?? chunk!;
    }
}
