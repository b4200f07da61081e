using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Encodes one log call into a compact binary record (<see cref="RecordFormat"/>), on the caller's thread: straight
/// into the queue's ring when it is given one (a range reserved there, <see cref="RecordRing.TryReserve"/>), else into
/// a buffer the thread keeps. Strings that repeat become ids (<see cref="StringIds"/>), numbers, dates and guids are
/// copied by value, text is copied as UTF-16. Nothing is formatted and nothing is allocated. A call the record cannot
/// hold (an exception, a value of another type, very long text) is refused, and the caller keeps it as an object
/// instead (<see cref="RecordFormat.KindObject"/>). Not thread-safe: one per thread.
/// </summary>
/// <remarks>
/// Writes go through a pointer checked against the end of the current target, once per step and once for the whole
/// fixed header: the thread's buffer is pinned (the pinned object heap) and a ring segment is native memory. A record
/// that outgrows its reservation grows it in place when nobody reserved after it, else moves to the thread's buffer
/// and the reservation is given up: the record is then added with a copy, as before.
/// </remarks>
internal sealed unsafe class RecordWriter
{
    /// <summary>The fixed part of an encoded record: length, kind, level, flags, ticks, offset, thread id, event id.</summary>
    private const int HeaderBytes = 25;

    /// <summary>The least a reservation in the ring is: a header and a few names.</summary>
    private const int MinReservation = 64;

    private readonly StringIds.Cache _ids = new();
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(512, pinned: true);
    private byte* _base;
    private int _limit;
    private int _position;
    private bool _failed;
    private RecordRing? _ring; // set while a range of it is reserved for the record being written
    private Reservation _reservation;
    private int _lastSize = MinReservation; // this thread's last record, reserved again for the next one: a call site repeats its size

    public RecordWriter() => UseBuffer();

    /// <summary>Gets the record written by the last successful <see cref="TryEncode"/> into the thread's buffer (not the ring).</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(0, _position);

    /// <summary>Gets whether the record of the last successful <see cref="TryEncode"/> is in the ring, reserved and not yet published.</summary>
    public bool InRing => _ring is not null;

    /// <summary>
    /// Encodes the call; false when the record cannot hold it (see the class remarks) or exceeds <paramref name="maxBytes"/>.
    /// With <paramref name="ring"/>, the record is written into a range reserved there when it has room: then
    /// <see cref="Publish"/> or <see cref="CancelReservation"/> must follow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryEncode<TState>(
        CallerThread caller,
        string category,
        LogLevel level,
        EventId eventId,
        in TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter,
        ScopeReader? scopes,
        DateTimeOffset timestamp,
        int maxBytes,
        RecordRing? ring = null)
    {
        if (exception is not null)
        {
            return false;
        }

        // What can run code of the app's (a scope's text) runs before a range of the ring is held for the record.
        var context = caller.CaptureContext();
        var captured = scopes is null || scopes.KnownEmpty(caller, context) ? null : scopes.Capture(caller, context);
        var activity = caller.ActivityOf(context);
        if (_ring is not null)
        {
            CancelReservation(); // left by a call that threw (it cannot be: the catch below), never held across calls
        }

        if (ring is null || !PropertyEncoder<TState>.InPlace || !ring.TryReserve(_lastSize, out _reservation))
        {
            UseBuffer();
        }
        else
        {
            _ring = ring;
            _base = _reservation.At;
            _limit = _reservation.Size;
        }

        try
        {
            var written = Encode(caller, category, level, eventId, in state, exception, formatter, timestamp, captured, activity) && _position <= maxBytes;
            if (!written && _ring is not null)
            {
                CancelReservation();
            }

            return written;
        }
        catch
        {
            if (_ring is not null)
            {
                CancelReservation(); // the consumer must not wait for a record that never comes
            }

            throw;
        }
    }

    /// <summary>Publishes the record written into the ring (<see cref="InRing"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish()
    {
        var ring = _ring!;
        _ring = null;
        _lastSize = Math.Max(MinReservation, (_position + 7) & ~7);
        ring.Publish(_reservation, _position);
    }

    /// <summary>Gives up the record's range of the ring (<see cref="InRing"/>), what it holds moved to the thread's buffer.</summary>
    public void CancelReservation()
    {
        var ring = _ring!;
        _ring = null;
        var written = _position;
        if (_buffer.Length < written)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(written * 2, pinned: true);
        }

        new ReadOnlySpan<byte>(_base, written).CopyTo(_buffer);
        ring.Cancel(_reservation, written);
        UseBuffer();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Encode<TState>(
        CallerThread caller,
        string category,
        LogLevel level,
        EventId eventId,
        in TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter,
        DateTimeOffset timestamp,
        object?[]? captured,
        System.Diagnostics.Activity? activity)
    {
        _position = 0;
        _failed = false;
        ParkedSlot = null;
        Ensure(HeaderBytes);
        var at = _base;
        Unsafe.WriteUnaligned(at, 0); // the length, written by the ring
        at[4] = RecordFormat.KindEncoded;
        at[5] = (byte)level;
        at[6] = 0; // the flags, below
        Unsafe.WriteUnaligned(at + 7, timestamp.UtcTicks);
        Unsafe.WriteUnaligned(at + 15, (short)timestamp.TotalOffsetMinutes);
        Unsafe.WriteUnaligned(at + 17, caller.ManagedThreadId);
        Unsafe.WriteUnaligned(at + 21, eventId.Id);
        _position = HeaderBytes;
        WriteName(category);

        var flags = 0;
        string? template = null;
        if (PropertyEncoder<TState>.Encode is { } encode)
        {
            template = encode(this, in state);
        }
        else if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            template = WriteProperties(list);
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            template = WriteProperties(pairs); // a dictionary as the state: its pairs are the properties, as for OpenTelemetry and Serilog
        }
        else
        {
            WriteUInt16(0);
        }

        if (_failed)
        {
            return false;
        }

        if (template is not null)
        {
            flags |= RecordFormat.HasTemplate;
            WriteName(template);
        }

        if (template is null || PropertyEncoder<TState>.KeepsFormatterText)
        {
            flags |= RecordFormat.HasMessage;
            WriteText(formatter(state, exception));
        }

        if (eventId.Name is { } eventName)
        {
            flags |= RecordFormat.HasEventName;
            WriteName(eventName);
        }

        if (caller.Thread.Name is { } threadName)
        {
            flags |= RecordFormat.HasThreadName;
            WriteName(threadName);
        }

        if (activity is not null)
        {
            flags |= RecordFormat.HasActivity;
            Ensure(24);
            activity.TraceId.CopyTo(new Span<byte>(_base + _position, 16));
            activity.SpanId.CopyTo(new Span<byte>(_base + _position + 16, 8));
            _position += 24;
        }

        if (captured is not null)
        {
            flags |= RecordFormat.HasScopes;
            WriteScopes(captured);
        }

        _base[6] = (byte)flags;
        return !_failed;
    }

    /// <summary>Gets or sets the event the object table refused last (<see cref="RecordQueue.TryParkAgain"/>); null once parked or given up.</summary>
    public LogEvent? Unparked { get; set; }

    /// <summary>Gets the object slot of the record <see cref="ObjectRecord"/> wrote last; null after an encoded record.</summary>
    public int? ParkedSlot { get; private set; }

    /// <summary>Writes the record of a call kept as an object: its slot in <see cref="ObjectSlots"/>, padded to <paramref name="size"/> bytes.</summary>
    public void ObjectRecord(int slot, int size)
    {
        if (_ring is not null)
        {
            CancelReservation();
        }

        UseBuffer();
        _position = 0;
        WriteInt32(0);
        WriteByte(RecordFormat.KindObject);
        WriteInt32(slot);
        Ensure(size - _position);
        _position = Math.Max(_position, size);
        ParkedSlot = slot;
    }

    /// <summary>Writes the properties (count, then name and value each) and returns the template (<c>{OriginalFormat}</c>), if any.</summary>
    /// <remarks>
    /// Not inlined, so that it is compiled fully optimized on its own with its small steps inlined into it: inlined into
    /// its caller, it left them as calls into Tier-0 code there (seen with <c>DOTNET_JitDisasmSummary</c>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal string? WriteProperties<TList>(in TList list)
        where TList : IReadOnlyList<KeyValuePair<string, object?>>
    {
        var count = list.Count;
        var countAt = _position;
        WriteUInt16(0);
        string? template = null;
        var written = 0;
        for (var i = 0; i < count && !_failed; i++)
        {
            WriteProperty(list[i], ref template, ref written);
        }

        EndProperties(countAt, written);
        return template;
    }

    /// <summary>
    /// Writes the properties of MEL's <c>FormattedLogValues</c> read from its fields (<see cref="FormattedValuesEncoder{TList}"/>):
    /// the pairs its indexer gives, <paramref name="names"/> with <paramref name="values"/> in order, then <c>{OriginalFormat}</c>
    /// (returned as the template). No names (a template without holes or a call without arguments): the template alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal string? WriteFormattedValues(List<string>? names, object?[]? values, string? template)
    {
        var countAt = _position;
        WriteUInt16(0);
        var written = 0;
        if (names is not null)
        {
            var count = names.Count;
            for (var i = 0; i < count && !_failed; i++)
            {
                WriteName(names[i]);
                WriteValue(values![i]); // as the indexer: a template with more holes than values throws IndexOutOfRangeException
                written++;
            }
        }

        EndProperties(countAt, written);
        return template;
    }

    /// <summary>Writes the pairs of a state that is not a list (a dictionary), as <see cref="WriteProperties{TList}(in TList)"/> does.</summary>
    private string? WriteProperties(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var countAt = _position;
        WriteUInt16(0);
        string? template = null;
        var written = 0;
        foreach (var pair in pairs)
        {
            if (_failed)
            {
                break;
            }

            WriteProperty(pair, ref template, ref written);
        }

        EndProperties(countAt, written);
        return template;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteProperty(KeyValuePair<string, object?> pair, ref string? template, ref int written)
    {
        if (pair.Key == RecordFormat.OriginalFormat)
        {
            template ??= pair.Value as string;
            return;
        }

        WriteName(pair.Key);
        WriteValue(pair.Value);
        written++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EndProperties(int countAt, int written)
    {
        if (written > ushort.MaxValue)
        {
            _failed = true;
        }

        Unsafe.WriteUnaligned(_base + countAt, (ushort)written);
    }

    private void WriteScopes(object?[] scopes)
    {
        WriteUInt16((ushort)Math.Min(scopes.Length, ushort.MaxValue));
        foreach (var scope in scopes.AsSpan(0, Math.Min(scopes.Length, ushort.MaxValue)))
        {
            switch (scope)
            {
                case null:
                    WriteByte(RecordFormat.ScopeNull);
                    break;
                case KeyValuePair<string, object?>[] pairs:
                    WriteByte(RecordFormat.ScopeProperties);
                    WriteScopePairs(pairs);
                    break;
                default:
                    WriteByte(RecordFormat.ScopeText);
                    WriteText(scope as string ?? scope.ToString() ?? string.Empty);
                    break;
            }
        }
    }

    /// <summary>
    /// A scope's pairs, every one: unlike a call's state, a template scope keeps its <c>{OriginalFormat}</c> (its text
    /// follows from it), as a scope kept as an object does (<see cref="EventCapture.FreezeScope"/>).
    /// </summary>
    private void WriteScopePairs(KeyValuePair<string, object?>[] pairs)
    {
        var count = Math.Min(pairs.Length, ushort.MaxValue);
        WriteUInt16((ushort)count);
        foreach (var pair in pairs.AsSpan(0, count))
        {
            WriteName(pair.Key);
            WriteValue(pair.Value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteByte(RecordFormat.ValueNull); break;
            case string text: WriteText(text, RecordFormat.ValueString); break;
            case int v: WriteUnmanaged(RecordFormat.ValueInt32, v); break;
            case long v: WriteUnmanaged(RecordFormat.ValueInt64, v); break;
            case double v: WriteUnmanaged(RecordFormat.ValueDouble, v); break;
            case decimal v: WriteUnmanaged(RecordFormat.ValueDecimal, v); break;
            case bool v: WriteUnmanaged(RecordFormat.ValueBoolean, v); break;
            case DateTime v: WriteUnmanaged(RecordFormat.ValueDateTime, v); break;
            case DateTimeOffset v: WriteUnmanaged(RecordFormat.ValueDateTimeOffset, v); break;
            case Guid v: WriteUnmanaged(RecordFormat.ValueGuid, v); break;
            case TimeSpan v: WriteUnmanaged(RecordFormat.ValueTimeSpan, v); break;
            default: _failed = true; break; // kept as an object: frozen by EventCapture
        }
    }

    /// <summary>A name that repeats: its id, or its text when the table is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteName(string? name)
    {
        if (name is null)
        {
            WriteByte(RecordFormat.NameNull);
            return;
        }

        var id = _ids.IdOf(name);
        if (id >= 0)
        {
            WriteUnmanaged(RecordFormat.NameId, id); // the tag and the id after one bound check
        }
        else
        {
            WriteText(name, RecordFormat.NameText);
        }
    }

    /// <summary>A text's length and characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteText(string text) => WriteText(text, 0, 0);

    /// <summary>A tag, then <see cref="WriteText(string)"/>'s length and characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteText(string text, byte tag) => WriteText(text, 1, tag);

    /// <summary>
    /// <paramref name="tagBytes"/> (0 or 1, a constant at each inlined call) of tag, the length and the characters, after
    /// one bound check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteText(string text, int tagBytes, byte tag)
    {
        if (text.Length > RecordFormat.MaxTextChars)
        {
            _failed = true;
            return;
        }

        var bytes = MemoryMarshal.AsBytes(text.AsSpan());
        Ensure(tagBytes + sizeof(int) + bytes.Length);
        var at = _base + _position;
        if (tagBytes != 0)
        {
            *at = tag;
        }

        Unsafe.WriteUnaligned(at + tagBytes, text.Length);
        bytes.CopyTo(new Span<byte>(at + tagBytes + sizeof(int), bytes.Length));
        _position += tagBytes + sizeof(int) + bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteUnmanaged<T>(byte tag, T value)
        where T : unmanaged
    {
        Ensure(1 + Unsafe.SizeOf<T>());
        var at = _base + _position;
        *at = tag;
        Unsafe.WriteUnaligned(at + 1, value);
        _position += 1 + Unsafe.SizeOf<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteByte(byte value)
    {
        Ensure(1);
        _base[_position++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteUInt16(ushort value) => Write(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteInt16(short value) => Write(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteInt32(int value) => Write(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteInt64(long value) => Write(value);

    /// <summary>A number in the machine's byte order (writer and reader run in the same process).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write<T>(T value)
        where T : unmanaged
    {
        Ensure(Unsafe.SizeOf<T>());
        Unsafe.WriteUnaligned(_base + _position, value);
        _position += Unsafe.SizeOf<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (_position + more > _limit)
        {
            Grow(more);
        }
    }

    /// <summary>
    /// The rare path of <see cref="Ensure"/>, out of line so that the steps inlined into the call stay small: a reservation
    /// in the ring grows in place if it can, else the record moves to the thread's buffer, which grows as needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int more)
    {
        var needed = _position + more;
        if (_ring is not null)
        {
            if (_ring.TryExtend(ref _reservation, Math.Max(_limit * 2, (needed + 7) & ~7)) || _ring.TryExtend(ref _reservation, (needed + 7) & ~7))
            {
                _limit = _reservation.Size;
                return;
            }

            CancelReservation();
        }

        if (needed > _buffer.Length)
        {
            var larger = GC.AllocateUninitializedArray<byte>(Math.Max(_buffer.Length * 2, needed), pinned: true);
            _buffer.AsSpan(0, _position).CopyTo(larger);
            _buffer = larger;
            UseBuffer();
        }
    }

    /// <summary>Writes into the thread's own buffer (pinned, so its address holds).</summary>
    private void UseBuffer()
    {
        _base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _limit = _buffer.Length;
    }
}
