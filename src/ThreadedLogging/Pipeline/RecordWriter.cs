using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Encodes one log call into a compact binary record (<see cref="RecordFormat"/>), on the caller's thread,
/// into a buffer the thread keeps: strings that repeat become ids (<see cref="StringIds"/>), numbers, dates and
/// guids are copied by value, text is copied as UTF-16. Nothing is formatted and nothing is allocated. A call the
/// record cannot hold (an exception, a value of another type, very long text) is refused, and the caller keeps
/// it as an object instead (<see cref="RecordFormat.KindObject"/>). Not thread-safe: one per thread.
/// </summary>
internal sealed class RecordWriter
{
    private readonly StringIds.Cache _ids = new();
    private byte[] _buffer = new byte[512];
    private int _position;
    private bool _failed;

    /// <summary>Gets the record written by the last successful <see cref="TryEncode"/>.</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(0, _position);

    /// <summary>Encodes the call; false when the record cannot hold it (see the class remarks) or exceeds <paramref name="maxBytes"/>.</summary>
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
        int maxBytes)
    {
        if (exception is not null)
        {
            return false;
        }

        _position = 0;
        _failed = false;
        ParkedSlot = null;
        WriteInt32(0); // the length, written by the ring
        WriteByte(RecordFormat.KindEncoded);
        WriteByte((byte)level);
        var flagsAt = _position;
        WriteByte(0);
        WriteInt64(timestamp.UtcTicks);
        WriteInt16((short)timestamp.Offset.TotalMinutes);
        WriteInt32(caller.ManagedThreadId);
        WriteInt32(eventId.Id);
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

        if (Activity.Current is { } activity)
        {
            flags |= RecordFormat.HasActivity;
            Ensure(24);
            activity.TraceId.CopyTo(_buffer.AsSpan(_position, 16));
            activity.SpanId.CopyTo(_buffer.AsSpan(_position + 16, 8));
            _position += 24;
        }

        if (scopes?.Capture(caller) is { } captured)
        {
            flags |= RecordFormat.HasScopes;
            WriteScopes(captured);
        }

        _buffer[flagsAt] = (byte)flags;
        return !_failed && _position <= maxBytes;
    }

    /// <summary>Gets or sets the event the object table refused last (<see cref="RecordQueue.TryParkAgain"/>); null once parked or given up.</summary>
    public LogEvent? Unparked { get; set; }

    /// <summary>Gets the object slot of the record <see cref="ObjectRecord"/> wrote last; null after an encoded record.</summary>
    public int? ParkedSlot { get; private set; }

    /// <summary>Writes the record of a call kept as an object: its slot in <see cref="ObjectSlots"/>, padded to <paramref name="size"/> bytes.</summary>
    public void ObjectRecord(int slot, int size)
    {
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

        Unsafe.WriteUnaligned(ref _buffer[countAt], (ushort)written);
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
            case string text: WriteByte(RecordFormat.ValueString); WriteText(text); break;
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
            WriteByte(RecordFormat.NameId);
            WriteInt32(id);
        }
        else
        {
            WriteByte(RecordFormat.NameText);
            WriteText(name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteText(string text)
    {
        if (text.Length > RecordFormat.MaxTextChars)
        {
            _failed = true;
            return;
        }

        WriteInt32(text.Length);
        WriteRaw(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteUnmanaged<T>(byte tag, T value)
        where T : unmanaged
    {
        Ensure(1 + Unsafe.SizeOf<T>());
        ref var at = ref _buffer[_position];
        at = tag;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 1), value);
        _position += 1 + Unsafe.SizeOf<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_position++] = value;
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
        Unsafe.WriteUnaligned(ref _buffer[_position], value);
        _position += Unsafe.SizeOf<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (_position + more > _buffer.Length)
        {
            Grow(more);
        }
    }

    /// <summary>The rare path of <see cref="Ensure"/>, out of line so that the steps inlined into the call stay small.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int more) => Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _position + more));
}
