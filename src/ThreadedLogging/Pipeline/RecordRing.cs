using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ThreadedLogging;

/// <summary>
/// The queue's storage: log calls as compact binary records in segments of native memory (the Disruptor /
/// ZLogger idea), many producers, one consumer. Holding a million events costs their bytes, not a million
/// objects: nothing here is a managed reference, so the garbage collector neither scans nor copies it, and a
/// segment is allocated outside the GC heap, so a burst triggers no collection either.
/// </summary>
/// <remarks>
/// <para>A producer reserves <c>[start, end)</c> of a byte position that only grows, with one compare-and-swap
/// of the tail, bounded by the consumer's head: <c>end - head ≤ capacity</c>. A record never straddles two
/// segments: one that would is placed at the next segment's start and the rest of the current one is marked
/// as padding. The producer then copies its record and publishes it by writing its length last (release); a
/// length of 0 is "not written yet", so the consumer stops there and takes records in position order.</para>
/// <para>A producer may also reserve first and write its record in place (<see cref="TryReserve"/>): the log call
/// encodes straight into the segment, one copy instead of two. A reservation sized by a guess is then trimmed to the
/// record (<see cref="Publish"/>), grown while nobody reserved after it (<see cref="TryExtend"/>), or given up
/// (<see cref="Cancel"/>): the tail moves back when it is still the reservation's end, and otherwise the bytes left
/// over become a skip record (a length word of minus their size) that the consumer steps over.</para>
/// <para>Segments are opened on demand (zeroed memory) by the first producer that needs one and given back by
/// the consumer once it has passed them (zeroed again and kept for reuse, up to <see cref="SpareSegments"/>).
/// The slot table has more entries than the capacity has segments (the next power of two above it), so a producer can
/// reach a slot again only after the consumer recycled it (see the bound above).</para>
/// </remarks>
internal sealed unsafe class RecordRing : IDisposable
{
    /// <summary>The length word of a padding record: skip to the next segment. Below it: skip that many bytes (a reservation's rest).</summary>
    private const int Padding = -1;
    private const int SpareSegments = 4;

    private readonly nint[] _segments;
    private readonly Stack<nint> _spare = new();
    private readonly int _segmentShift;
    private readonly long _segmentMask;
    private readonly long _slotMask;
    private readonly long _capacity;
    private PaddedLong _tail;
    private PaddedLong _head;
    private PaddedLong _readHead; // the consumer's own position, written per record (so on its own line); published to _head by Release
    private int _disposed;
    private int _sparesRequested;

    /// <param name="capacityBytes">The most bytes the ring holds (rounded down to whole segments, at least two).</param>
    /// <param name="segmentBytes">The size of one segment, a power of two; also the largest record.</param>
    public RecordRing(long capacityBytes, int segmentBytes)
    {
        if (segmentBytes < 64 || (segmentBytes & (segmentBytes - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentBytes), segmentBytes, "A power of two, at least 64.");
        }

        SegmentBytes = segmentBytes;
        _segmentShift = System.Numerics.BitOperations.Log2((uint)segmentBytes);
        _segmentMask = segmentBytes - 1;
        var segments = Math.Max(2, capacityBytes / segmentBytes);
        _capacity = segments * segmentBytes;
        // More slots than segments, a power of two so that a slot is a mask, not a 64-bit division on every log call.
        _segments = new nint[System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)segments + 1)];
        _slotMask = _segments.Length - 1;
    }

    /// <summary>Gets the size of a segment: no record is larger.</summary>
    public int SegmentBytes { get; }

    /// <summary>Gets the most bytes the ring holds.</summary>
    public long Capacity => _capacity;

    /// <summary>Gets how many bytes are reserved and not yet released (records, their alignment and padding).</summary>
    public long UsedBytes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value);
    }

    /// <summary>Gets how many segments are allocated now (tests).</summary>
    internal int AllocatedSegments { get; private set; }

    /// <summary>
    /// Copies <paramref name="record"/> (its first four bytes are overwritten with its length) into the ring.
    /// Returns false, copying nothing, when it does not fit the capacity now. Any thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryWrite(ReadOnlySpan<byte> record)
    {
        var length = record.Length;
        if (length < sizeof(int) || length > SegmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(record), length, "A record has a length word and fits a segment.");
        }

        // The same reservation a record written in place takes (TryReserve), filled from the copy and published whole.
        if (!TryReserve((length + 7) & ~7, out var reservation))
        {
            return false;
        }

        record[sizeof(int)..].CopyTo(new Span<byte>(reservation.At + sizeof(int), length - sizeof(int)));
        Volatile.Write(ref *(int*)reservation.At, length);
        return true;
    }

    /// <summary>
    /// Reserves <paramref name="size"/> bytes (a multiple of 8, at most a segment) at the tail for a record written in
    /// place: <see cref="Publish"/> or <see cref="Cancel"/> must follow, on every path (the consumer stops at it until
    /// then). False, reserving nothing, when the ring has no room for it now or is disposed. Any thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReserve(int size, out Reservation reservation)
    {
        if (size > SegmentBytes)
        {
            reservation = default; // a thread's last record, written into another handler's queue of larger segments
            return false;
        }

        var tail = Volatile.Read(ref _tail.Value);
        while (true)
        {
            var start = (tail & _segmentMask) + size > SegmentBytes ? (tail | _segmentMask) + 1 : tail;
            var end = start + size;
            if (end - Volatile.Read(ref _head.Value) > _capacity || Volatile.Read(ref _disposed) != 0)
            {
                reservation = default;
                return false;
            }

            var segment = Open(start >> _segmentShift);
            var seen = Interlocked.CompareExchange(ref _tail.Value, end, tail);
            if (seen == tail)
            {
                if (start != tail)
                {
                    Volatile.Write(ref *(int*)(_segments[Slot(tail >> _segmentShift)] + (nint)(tail & _segmentMask)), Padding);
                }

                reservation = new Reservation(start, end, (byte*)segment + (start & _segmentMask));
                return true;
            }

            tail = seen;
        }
    }

    /// <summary>
    /// Grows <paramref name="reservation"/> to <paramref name="size"/> bytes (a multiple of 8) when nobody reserved after
    /// it, the segment has the room and the capacity allows; false, changing nothing, otherwise. The reserving thread only.
    /// </summary>
    public bool TryExtend(ref Reservation reservation, int size)
    {
        var end = reservation.Start + size;
        if ((reservation.Start & _segmentMask) + size > SegmentBytes
            || end - Volatile.Read(ref _head.Value) > _capacity
            || Volatile.Read(ref _disposed) != 0
            || Interlocked.CompareExchange(ref _tail.Value, end, reservation.End) != reservation.End)
        {
            return false;
        }

        reservation = new Reservation(reservation.Start, end, reservation.At);
        return true;
    }

    /// <summary>
    /// Publishes the record written at the reservation (its first four bytes are overwritten with
    /// <paramref name="length"/>, which fits the reservation): its rest, if any, is given back or skipped. The reserving thread only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(in Reservation reservation, int length)
    {
        System.Diagnostics.Debug.Assert(length >= sizeof(int) && length <= reservation.Size, "A record fits its reservation.");
        var used = reservation.Start + ((length + 7) & ~7L);
        if (used != reservation.End)
        {
            Trim(reservation, used);
        }

        Volatile.Write(ref *(int*)reservation.At, length);
    }

    /// <summary>
    /// Gives the reservation up: <paramref name="written"/> bytes of it were written (they are zeroed: a later record
    /// may place its length word there). The reserving thread only.
    /// </summary>
    public void Cancel(in Reservation reservation, int written)
    {
        System.Diagnostics.Debug.Assert(written >= 0 && written <= reservation.Size, "What was written fits the reservation.");
        NativeMemory.Clear(reservation.At, (nuint)written);
        if (Interlocked.CompareExchange(ref _tail.Value, reservation.Start, reservation.End) != reservation.End)
        {
            Volatile.Write(ref *(int*)reservation.At, (int)(reservation.Start - reservation.End)); // skip it all
        }
    }

    /// <summary>The record ends at <paramref name="used"/>, before the reservation does: move the tail back, or else mark the rest skipped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Trim(in Reservation reservation, long used)
    {
        if (Interlocked.CompareExchange(ref _tail.Value, used, reservation.End) != reservation.End)
        {
            Volatile.Write(ref *(int*)(reservation.At + (used - reservation.Start)), (int)(used - reservation.End));
        }
    }

    /// <summary>The oldest record, if it has been written: a view valid until <see cref="Advance"/>. Consumer only.</summary>
    public bool TryPeek(out ReadOnlySpan<byte> record)
    {
        while (true)
        {
            var segment = Volatile.Read(ref _segments[Slot(_readHead.Value >> _segmentShift)]);
            if (segment == 0)
            {
                record = default;
                return false;
            }

            var at = (byte*)segment + (_readHead.Value & _segmentMask);
            var length = Volatile.Read(ref *(int*)at);
            if (length == Padding)
            {
                Recycle(_readHead.Value >> _segmentShift);
                _readHead.Value = (_readHead.Value | _segmentMask) + 1;
                continue;
            }

            if (length < Padding)
            {
                Advance(-length); // the rest of a reservation trimmed while another producer had reserved after it
                continue;
            }

            if (length == 0)
            {
                record = default;
                return false;
            }

            record = new ReadOnlySpan<byte>(at, length);
            return true;
        }
    }

    /// <summary>Moves past the record <see cref="TryPeek"/> returned. Consumer only; its room is given back by <see cref="Release"/>.</summary>
    public void Advance(int length)
    {
        var next = _readHead.Value + ((length + 7) & ~7L);
        if ((next & _segmentMask) == 0)
        {
            Recycle((next >> _segmentShift) - 1);
        }

        _readHead.Value = next;
    }

    /// <summary>Gives the room of every record taken so far back to the producers. Consumer only.</summary>
    public void Release() => Volatile.Write(ref _head.Value, _readHead.Value);

    /// <summary>
    /// Opens up to <see cref="SpareSegments"/> segments ahead of the producers, their memory zeroed and faulted in,
    /// so that a producer reaching a new segment takes a ready one and does not take the page faults of fresh
    /// memory on the app's thread (in a 1,000,000-call burst they were about half of the caller's time). Called by
    /// the consumer after each batch, and on the thread pool when a producer took a spare; only once the ring has
    /// been written to, so an idle handler costs no memory. Any thread.
    /// </summary>
    public void PrepareSpares()
    {
        if (Volatile.Read(ref _tail.Value) == 0)
        {
            return;
        }

        while (Volatile.Read(ref _disposed) == 0)
        {
            lock (_spare)
            {
                if (_spare.Count >= SpareSegments)
                {
                    return;
                }
            }

            var fresh = (nint)SegmentMemory.Allocate(SegmentBytes);
            lock (_spare)
            {
                _spare.Push(fresh);
                AllocatedSegments++;
            }
        }
    }

    /// <summary>
    /// Takes no record from now on. The memory is freed by the finalizer, when nothing references the ring any
    /// more: a log call that raced with the shutdown may still be copying into a segment.
    /// </summary>
    public void Dispose() => Volatile.Write(ref _disposed, 1);

    /// <summary>Frees the segments: no producer or consumer can reach them any more.</summary>
    ~RecordRing()
    {
        foreach (var segment in _segments)
        {
            if (segment != 0)
            {
                SegmentMemory.Free((byte*)segment, SegmentBytes);
            }
        }

        foreach (var spare in _spare)
        {
            SegmentMemory.Free((byte*)spare, SegmentBytes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long segment) => (int)(segment & _slotMask);

    /// <summary>The segment's memory; opened (spare or new, zeroed) by the first producer that needs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nint Open(long segment)
    {
        ref var slot = ref _segments[Slot(segment)];
        var memory = Volatile.Read(ref slot);
        return memory != 0 ? memory : OpenNew(ref slot);
    }

    /// <summary>The first producer to reach a segment installs its memory (or finds that another did).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint OpenNew(ref nint slot)
    {
        bool spare;
        nint fresh;
        lock (_spare)
        {
            spare = _spare.TryPop(out fresh);
        }

        if (spare)
        {
            RequestSpares(); // the next producer to need a segment should find one ready too
        }
        else
        {
            fresh = (nint)SegmentMemory.Allocate(SegmentBytes);
            lock (_spare)
            {
                AllocatedSegments++;
            }
        }

        var installed = Interlocked.CompareExchange(ref slot, fresh, 0);
        if (installed == 0)
        {
            return fresh;
        }

        lock (_spare)
        {
            _spare.Push(fresh); // another producer opened it first
        }

        return installed;
    }

    /// <summary>Tops the spare segments up on the thread pool, off the producer's thread; at most one request at a time.</summary>
    private void RequestSpares()
    {
        if (Interlocked.Exchange(ref _sparesRequested, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static ring =>
                {
                    ring.PrepareSpares();
                    Volatile.Write(ref ring._sparesRequested, 0);
                },
                this,
                preferLocal: false);
        }
    }

    /// <summary>The consumer passed a segment: zero it and keep it for reuse (or free it), before the head moves past it.</summary>
    private void Recycle(long segment)
    {
        ref var slot = ref _segments[Slot(segment)];
        var memory = slot;
        if (memory == 0)
        {
            return;
        }

        NativeMemory.Clear((void*)memory, (nuint)SegmentBytes);
        Volatile.Write(ref slot, 0);
        lock (_spare)
        {
            if (_spare.Count < SpareSegments)
            {
                _spare.Push(memory);
                return;
            }

            AllocatedSegments--;
        }

        SegmentMemory.Free((byte*)memory, SegmentBytes);
    }
}
