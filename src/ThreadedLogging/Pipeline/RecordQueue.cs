using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Events in flight as bytes: a log call is encoded into a record (<see cref="RecordWriter"/>) in the
/// <see cref="RecordRing"/> (in place, or copied there from the thread's buffer), bounded by bytes (and, loosely, by a count); the worker reads records back into
/// <see cref="LogEvent"/>s a batch at a time (<see cref="RecordReader"/>). Calls a record cannot hold go as objects
/// (<see cref="ObjectSlots"/>) in the same order. Many producers, one consumer.
/// </summary>
internal sealed class RecordQueue : IDisposable
{
    /// <summary>The largest segment: big enough that padding at segment ends wastes little, small enough to reuse.</summary>
    private const int MaxSegmentBytes = SegmentMemory.HugePageBytes;

    /// <summary>
    /// The least an object record charges the queue's bytes (more with its estimated size, up to 4 KiB): with the
    /// table's index space twice the records the ring's bytes hold at that charge, the bytes are full before the table is.
    /// </summary>
    private const int MinObjectCharge = 64;

    /// <summary>
    /// The fewest bytes a record takes in the ring: an encoded record's fixed header, its category and its property count
    /// (28), aligned to 8; an object record charges <see cref="MinObjectCharge"/>. So the queued records are at most the
    /// ring's used bytes over this, and below <c>capacity ×</c> this many bytes the count cannot have reached the capacity.
    /// </summary>
    internal const int MinRecordBytes = 32;

    private readonly RecordRing _ring;
    private readonly ObjectSlots _objects;
    private readonly RepeatedTexts _texts = new(); // the consumer's: texts read off the queue that repeat
    private readonly int _minObjectCharge;
    private readonly long _capacity;
    private readonly CallCounts _counts = new(); // calls at their logger's level, and calls below it let in by the start's hold (LevelHold)
    private readonly long _countBoundBytes; // the ring's used bytes below which the count is below the capacity for sure
    private PaddedLong _dequeued; // published by Release, a batch at a time: callers read it, the worker writes it rarely
    private PaddedLong _taken; // the worker's own count, written per record: on its own line, away from what every call reads

    /// <param name="maxBytes">The most bytes of records the queue holds.</param>
    /// <param name="capacity">The most events it holds; checked before a call is added, so concurrent callers may pass it by one each.</param>
    public RecordQueue(long maxBytes, int capacity)
    {
        var segment = (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, maxBytes / 8)), 256, MaxSegmentBytes);
        _ring = new RecordRing(maxBytes, segment);
        _capacity = capacity;
        _countBoundBytes = capacity * (long)MinRecordBytes;

        // The table's index space stays within 2^30 slots: past a 32 GiB queue an object record charges more.
        _minObjectCharge = (int)Math.Min(Math.Max(MinObjectCharge, _ring.Capacity >> 29), _ring.SegmentBytes);
        _objects = new ObjectSlots(2 * (_ring.Capacity / _minObjectCharge));
    }

    /// <summary>Gets how many events were ever added, held ones too.</summary>
    public long Enqueued => _counts.Total;

    /// <summary>Gets how many events were ever added at their logger's level: a count that only grows, held calls apart.</summary>
    public long EnqueuedAtLevel => _counts.AtLevel;

    /// <summary>Gets how many calls below their logger's level the start's hold let in (<see cref="LevelHold"/>): the worker decides each at the release.</summary>
    public long Held => _counts.Held;

    /// <summary>Gets how many events are queued now (never negative): a sum over the threads' counts (<see cref="CallCounts"/>).</summary>
    public long Count => Math.Max(0, Enqueued - Volatile.Read(ref _dequeued.Value));

    /// <summary>Gets the counts of the calls added, per thread (tests).</summary>
    internal CallCounts Counts => _counts;

    /// <summary>Gets how many bytes the queued records take now.</summary>
    public long Bytes => _ring.UsedBytes;

    /// <summary>Gets the table of calls kept as objects (tests).</summary>
    internal ObjectSlots Objects => _objects;

    /// <summary>Whether a batch is worth sending now: <paramref name="batchSize"/> events, or half the batch bytes or half the queue in bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasFullBatch(int batchSize, int maxBatchBytes)
    {
        var used = _ring.UsedBytes;
        return used >= Math.Min(maxBatchBytes / 2, _ring.Capacity / 2) || (used >= (long)batchSize * MinRecordBytes && Count >= batchSize);
    }

    /// <summary>
    /// Gets whether the start hold's budget lets a held call in now (<see cref="LevelHold"/>): the queue, its bytes and its
    /// count, is less than <see cref="LevelHold.BudgetShare">a quarter</see> full. Racy as <see cref="IsFull"/>: callers at
    /// once may pass it by a record each.
    /// </summary>
    public bool AdmitsHeld => Count < _capacity / LevelHold.BudgetShare && _ring.UsedBytes < _ring.Capacity / LevelHold.BudgetShare;

    /// <summary>Gets whether a call would be refused now (racy: <see cref="TryCommit"/> decides).</summary>
    public bool IsFull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var used = _ring.UsedBytes;
            return used >= _ring.Capacity || !HasCountRoom(used);
        }
    }

    /// <summary>
    /// Whether the count is below the capacity: summed (<see cref="Count"/>) only when the ring's used bytes could hold
    /// that many records (<see cref="MinRecordBytes"/>): never at the defaults, whose capacity outnumbers what the bytes hold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool HasCountRoom(long usedBytes) => usedBytes < _countBoundBytes || Count < _capacity;

    /// <summary>
    /// Encodes a call into the caller's <see cref="RecordWriter"/> (or parks it as an object); false when it had to
    /// be parked and the object table had no slot (its index space outlasts the queue's bytes: only when a call holds a
    /// slot unqueued for a whole lap, or a held call past its budget). Then <see cref="TryCommit"/> adds it, or <see cref="Abandon"/> gives up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEncode<TState>(CallerThread caller, string category, LogLevel level, EventId eventId, in TState state, Exception? exception, Func<TState, Exception?, string> formatter, ScopeReader? scopes, DateTimeOffset timestamp)
    {
        // Straight into the ring when the count has room (the bytes are the reservation's to check): the record is copied once.
        var writer = caller.Writer;
        if (writer.TryEncode(caller, category, level, eventId, in state, exception, formatter, scopes, timestamp, _ring.SegmentBytes, HasCountRoom(_ring.UsedBytes) ? _ring : null))
        {
            return true;
        }

        var logEvent = EventCapture.Capture(new LogEvent(), caller, category, level, eventId, state, exception, formatter, scopes, timestamp);
        return TryPark(writer, logEvent);
    }

    /// <summary>Encodes an event captured before (tests, benchmarks, the drop path of other code) as an object record.</summary>
    public bool TryEncode(CallerThread caller, LogEvent logEvent) => TryPark(caller.Writer, logEvent);

    /// <summary>
    /// After <see cref="TryEncode{TState}"/> returned false (the object table was full): tries again to park the event
    /// it captured (<see cref="QueueFullMode.Wait"/> waits for the worker to free slots and calls this again).
    /// </summary>
    public bool TryParkAgain(CallerThread caller) => caller.Writer.Unparked is { } logEvent && TryPark(caller.Writer, logEvent);

    /// <summary>Gives up on the event the object table refused (it is counted as dropped).</summary>
    public static void ForgetUnparked(CallerThread caller) => caller.Writer.Unparked = null;

    /// <summary>Adds the record the caller's writer holds; false when the queue is full (nothing is added).</summary>
    /// <param name="caller">The calling thread's writer, holding the record.</param>
    /// <param name="held">Whether the call is below its logger's level, let in by the start's hold: counted apart.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCommit(CallerThread caller, bool held)
    {
        var writer = caller.Writer;
        if (writer.InRing)
        {
            writer.Publish(); // its room was reserved, and the count checked, before it was written
        }
        else if (!HasCountRoom(_ring.UsedBytes) || !_ring.TryWrite(writer.Record))
        {
            return false;
        }

        // The thread's own count, a plain write (CallCounts): a count read from it never goes back (Statistics.Enqueued).
        _counts.Add(caller, held);
        return true;
    }

    /// <summary>Gives up on the record the caller's writer holds (it was not committed): frees its object slot, if any.</summary>
    public void Abandon(CallerThread caller)
    {
        if (caller.Writer.InRing)
        {
            caller.Writer.CancelReservation();
        }

        if (caller.Writer.ParkedSlot is { } slot)
        {
            _objects.Remove(slot);
        }
    }

    /// <summary>The size of the oldest record, if it has been written. Consumer only.</summary>
    public bool TryPeekBytes(out int bytes)
    {
        if (_ring.TryPeek(out var record))
        {
            bytes = record.Length;
            return true;
        }

        bytes = 0;
        return false;
    }

    /// <summary>
    /// Takes the oldest record (after <see cref="TryPeekBytes"/> said there is one) as an event: decoded into
    /// <paramref name="reuse"/> when given, else into a new event; a parked object as it is. Consumer only.
    /// </summary>
    /// <returns>
    /// The event; <see langword="null"/> when the record could not be read (its decoding threw: a bug of ours, or memory
    /// ran out while its strings were made), with <paramref name="error"/> saying why. That record is taken all the same,
    /// so that it cannot hold back every record after it; <paramref name="reuse"/> may then hold part of it.
    /// </returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public LogEvent? Dequeue(LogEvent? reuse, out Exception? error)
    {
        if (!_ring.TryPeek(out var record))
        {
            throw new InvalidOperationException("No record to take.");
        }

        LogEvent? logEvent;
        error = null;
        try
        {
            var reader = new RecordReader(record, _texts);
            if (reader.Kind == RecordFormat.KindObject)
            {
                logEvent = _objects.Take(reader.ObjectSlot);
            }
            else
            {
                logEvent = reuse ?? new LogEvent();
                reader.Decode(logEvent);
            }

            DecodeFault?.Invoke(logEvent);
        }
        catch (Exception e)
        {
            // OutOfMemoryException too: a record whose strings did not fit now must not stop the worker for good.
            logEvent = null;
            error = e;
        }

        _ring.Advance(record.Length);
        _taken.Value++;
        return logEvent;
    }

    /// <summary>
    /// Gets or sets what runs on each event just read off the queue, inside the guard of its decoding: a fault that a
    /// test injects (a decoding that throws on one record). <see langword="null"/> outside tests.
    /// </summary>
    internal Action<LogEvent>? DecodeFault { get; set; }

    /// <summary>Gives the room of the records taken so far back to the callers, and opens spare segments ahead of them. Consumer only.</summary>
    public void Release()
    {
        // The count first, then the bytes: the records counted stay within the used bytes (HasCountRoom's bound).
        Volatile.Write(ref _dequeued.Value, _taken.Value);
        _ring.Release();
        _ring.PrepareSpares();
    }

    /// <summary>After shutdown: drops what is queued; returns how many events that was.</summary>
    public long Clear()
    {
        var left = Count;
        _ring.Dispose();
        _objects.Clear();
        _taken.Value = Enqueued;
        Volatile.Write(ref _dequeued.Value, _taken.Value);
        return left;
    }

    /// <inheritdoc />
    public void Dispose() => _ring.Dispose();

    private bool TryPark(RecordWriter writer, LogEvent logEvent)
    {
        // The start hold's budget holds for the table of objects too: a quarter of its slots (LevelHold; the queue's
        // bytes, a quarter of which it lets in, are full first).
        var slot = LevelHold.IsMarked(logEvent.Level) && _objects.InUse >= _objects.Size / LevelHold.BudgetShare ? -1 : _objects.TryAdd(logEvent);
        if (slot < 0)
        {
            writer.Unparked = logEvent; // for TryParkAgain
            return false;
        }

        writer.Unparked = null;

        // The record charges the queue's bytes with the object's estimated size (64 B to 4 KiB): the bytes bound the table.
        writer.ObjectRecord(slot, Math.Clamp(logEvent.EstimatedBytes, _minObjectCharge, Math.Max(_minObjectCharge, Math.Min(4096, _ring.SegmentBytes))));
        return true;
    }
}
