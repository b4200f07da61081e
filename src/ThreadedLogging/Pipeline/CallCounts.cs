using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ThreadedLogging;

/// <summary>
/// How many calls one queue took (<see cref="RecordQueue.Enqueued"/>), counted without an atomic per call: each thread
/// adds to a slot of its own with a plain write, and a read sums the slots. The sum is exact for every call that returned
/// before it, and it never goes back: each slot only grows, and a slot whose thread has ended is folded into the totals
/// of the next snapshot (its count is final then), so a thread that exits loses nothing and the slots stay as many as the
/// live threads that log. One per queue; a thread finds its slot through <see cref="CallerThread.CountSlotOf"/>.
/// </summary>
internal sealed class CallCounts
{
    private readonly object _lock = new();
    private Snapshot _snapshot = new(0, 0, []);

    /// <summary>Gets how many calls at their logger's level were counted.</summary>
    public long AtLevel => Sum(atLevel: true, held: false);

    /// <summary>Gets how many calls were counted, held ones too: one pass over the slots.</summary>
    public long Total => Sum(atLevel: true, held: true);

    /// <summary>Gets how many held calls (below their logger's level, let in by the start's hold) were counted.</summary>
    public long Held => Sum(atLevel: false, held: true);

    /// <summary>Gets how many slots the counts are summed over now (tests: threads that ended are folded away).</summary>
    internal int Slots => Volatile.Read(ref _snapshot).Slots.Length;

    /// <summary>Counts one call of the calling thread (<paramref name="caller"/>): a plain write to its own slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(CallerThread caller, bool held)
    {
        var slot = caller.CountSlotOf(this);
        if (held)
        {
            Volatile.Write(ref slot.Counts.Held, slot.Counts.Held + 1);
        }
        else
        {
            Volatile.Write(ref slot.Counts.AtLevel, slot.Counts.AtLevel + 1);
        }
    }

    /// <summary>The counts asked for, summed over the totals of the threads that ended and the live threads' slots (off the call's path).</summary>
    private long Sum(bool atLevel, bool held)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var sum = (atLevel ? snapshot.AtLevel : 0) + (held ? snapshot.Held : 0);
        foreach (var slot in snapshot.Slots)
        {
            sum += (atLevel ? Volatile.Read(ref slot.Counts.AtLevel) : 0) + (held ? Volatile.Read(ref slot.Counts.Held) : 0);
        }

        return sum;
    }

    /// <summary>
    /// The slot of <paramref name="caller"/>'s frame, made at its first call into this queue; the slots of threads that
    /// have ended are folded into the totals at the same time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Slot SlotOf(CallerThread caller)
    {
        foreach (var slot in Volatile.Read(ref _snapshot).Slots)
        {
            if (ReferenceEquals(slot.Owner, caller))
            {
                return slot;
            }
        }

        lock (_lock)
        {
            var old = _snapshot;
            var kept = new List<Slot>(old.Slots.Length + 1);
            long atLevel = old.AtLevel, held = old.Held;
            foreach (var slot in old.Slots)
            {
                // A thread that ended writes its slot no more: what it holds now is final, and it moves to the totals
                // in the same snapshot that drops the slot, so that no sum ever misses it or counts it twice.
                if (slot.Owner.Thread.IsAlive)
                {
                    kept.Add(slot);
                }
                else
                {
                    atLevel += Volatile.Read(ref slot.Counts.AtLevel);
                    held += Volatile.Read(ref slot.Counts.Held);
                }
            }

            var mine = new Slot(caller);
            kept.Add(mine);
            Volatile.Write(ref _snapshot, new Snapshot(atLevel, held, [.. kept]));
            return mine;
        }
    }

    /// <summary>The totals of the threads that ended, and the live threads' slots: replaced as a whole.</summary>
    private sealed record Snapshot(long AtLevel, long Held, Slot[] Slots);

    /// <summary>One thread frame's counts in one queue: written by that thread only.</summary>
    internal sealed class Slot(CallerThread owner)
    {
        public CallerThread Owner { get; } = owner;

        public PaddedCounts Counts; // a field: written through a ref on the log call's path
    }

    /// <summary>The two counts on a cache line of their own, away from the other threads' slots that callers write.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    internal struct PaddedCounts
    {
        [FieldOffset(64)]
        public long AtLevel;

        [FieldOffset(72)]
        public long Held;
    }
}
