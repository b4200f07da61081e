using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Turns a record (<see cref="RecordFormat"/>) back into a <see cref="LogEvent"/> on the worker, so that redaction,
/// the sinks and the spool work on events as before. Into a reused event when the sink copies what it needs
/// (values kept inline, see <see cref="InlineSlot"/>), else into a new one (values boxed) that the sink may keep.
/// Short texts that repeat come from <see cref="RepeatedTexts"/>, not a new string each.
/// </summary>
internal ref struct RecordReader(ReadOnlySpan<byte> record, RepeatedTexts texts)
{
    private readonly ReadOnlySpan<byte> _record = record;
    private readonly RepeatedTexts _texts = texts;
    private int _position = sizeof(int);

    /// <summary>Gets the record's kind (<see cref="RecordFormat.KindEncoded"/> or <see cref="RecordFormat.KindObject"/>).</summary>
    public readonly byte Kind => _record[sizeof(int)];

    /// <summary>The slot of a <see cref="RecordFormat.KindObject"/> record.</summary>
    public readonly int ObjectSlot => Unsafe.ReadUnaligned<int>(ref MemoryMarshal.GetReference(_record[(sizeof(int) + 1)..]));

    /// <summary>Fills <paramref name="target"/> (every field of the call) from a <see cref="RecordFormat.KindEncoded"/> record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(LogEvent target)
    {
        _position = sizeof(int) + 1;
        var level = (LogLevel)ReadByte();
        var flags = ReadByte();
        var ticks = ReadInt64();
        var offset = TimeSpan.FromMinutes(ReadInt16());
        target.Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        target.Level = level;
        target.ThreadId = ReadInt32();
        var eventId = ReadInt32();
        target.Category = ReadName() ?? string.Empty;
        ReadProperties(target);
        target.Template = (flags & RecordFormat.HasTemplate) != 0 ? ReadName() : null;
        target.SetMessage((flags & RecordFormat.HasMessage) != 0 ? ReadText() : null);
        var eventName = (flags & RecordFormat.HasEventName) != 0 ? ReadName() : null;
        target.EventId = new EventId(eventId, eventName);
        target.ThreadName = (flags & RecordFormat.HasThreadName) != 0 ? ReadName() : null;
        if ((flags & RecordFormat.HasActivity) != 0)
        {
            target.TraceId = ActivityTraceId.CreateFromBytes(_record.Slice(_position, 16));
            target.SpanId = ActivitySpanId.CreateFromBytes(_record.Slice(_position + 16, 8));
            _position += 24;
        }
        else
        {
            target.TraceId = default;
            target.SpanId = default;
        }

        target.ScopeArray = (flags & RecordFormat.HasScopes) != 0 ? ReadScopes() : null;
        target.Exception = null;
        target.Sequence = 0;
        target.EstimatedBytes = 2 * _record.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadProperties(LogEvent target)
    {
        int count = ReadUInt16();
        var properties = target.PrepareProperties(count);
        var inline = target.IsPooled && count > 0 ? target.PrepareInline(count) : default;
        for (var i = 0; i < count; i++)
        {
            var key = ReadName() ?? string.Empty;
            properties[i] = new KeyValuePair<string, object?>(key, target.IsPooled ? ReadValueInline(ref inline[i]) : ReadValue());
        }
    }

    private object?[] ReadScopes()
    {
        var scopes = new object?[ReadUInt16()];
        for (var i = 0; i < scopes.Length; i++)
        {
            switch (ReadByte())
            {
                case RecordFormat.ScopeText:
                    scopes[i] = ReadText();
                    break;
                case RecordFormat.ScopeProperties:
                    var pairs = new KeyValuePair<string, object?>[ReadUInt16()];
                    for (var j = 0; j < pairs.Length; j++)
                    {
                        var key = ReadName() ?? string.Empty;
                        pairs[j] = new KeyValuePair<string, object?>(key, ReadValue());
                    }

                    scopes[i] = pairs;
                    break;
            }
        }

        return scopes;
    }

    /// <summary>A value, boxed (or a string).</summary>
    private object? ReadValue() => ReadByte() switch
    {
        RecordFormat.ValueNull => null,
        RecordFormat.ValueString => ReadText(),
        RecordFormat.ValueInt32 => Read<int>(),
        RecordFormat.ValueInt64 => Read<long>(),
        RecordFormat.ValueDouble => Read<double>(),
        RecordFormat.ValueDecimal => Read<decimal>(),
        RecordFormat.ValueBoolean => Read<bool>(),
        RecordFormat.ValueDateTime => Read<DateTime>(),
        RecordFormat.ValueDateTimeOffset => Read<DateTimeOffset>(),
        RecordFormat.ValueGuid => Read<Guid>(),
        RecordFormat.ValueTimeSpan => Read<TimeSpan>(),
        var tag => throw new InvalidDataException($"Unknown value tag {tag} in a queued record."),
    };

    /// <summary>A value into a pooled event: value types into the slot (no box), under their <see cref="InlineKind"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private object? ReadValueInline(ref InlineSlot slot)
    {
        switch (ReadByte())
        {
            case RecordFormat.ValueNull: return null;
            case RecordFormat.ValueString: return ReadText();
            case RecordFormat.ValueInt32: return Inline<int>(ref slot);
            case RecordFormat.ValueInt64: return Inline<long>(ref slot);
            case RecordFormat.ValueDouble: return Inline<double>(ref slot);
            case RecordFormat.ValueDecimal: return Inline<decimal>(ref slot);
            case RecordFormat.ValueBoolean:
                slot.Set(Read<bool>());
                return InlineKind.Boolean;
            case RecordFormat.ValueDateTime: return Inline<DateTime>(ref slot);
            case RecordFormat.ValueDateTimeOffset: return Inline<DateTimeOffset>(ref slot);
            case RecordFormat.ValueGuid: return Inline<Guid>(ref slot);
            case RecordFormat.ValueTimeSpan: return Inline<TimeSpan>(ref slot);
            case var tag: throw new InvalidDataException($"Unknown value tag {tag} in a queued record.");
        }
    }

    private InlineKind Inline<T>(ref InlineSlot slot)
        where T : unmanaged, ISpanFormattable
    {
        slot.Set(Read<T>());
        return InlineKind.For<T>();
    }

    private string? ReadName() => ReadByte() switch
    {
        RecordFormat.NameId => StringIds.Get(ReadInt32()),
        RecordFormat.NameText => ReadText(),
        _ => null,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string ReadText()
    {
        var length = ReadInt32();
        var text = length == 0 ? string.Empty : _texts.Get(MemoryMarshal.Cast<byte, char>(_record.Slice(_position, 2 * length)));
        _position += 2 * length;
        return text;
    }

    private T Read<T>()
        where T : unmanaged
    {
        var value = Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetReference(_record[_position..]));
        _position += Unsafe.SizeOf<T>();
        return value;
    }

    private byte ReadByte() => _record[_position++];

    private ushort ReadUInt16() => Read<ushort>();

    private short ReadInt16() => Read<short>();

    private int ReadInt32() => Read<int>();

    private long ReadInt64() => Read<long>();
}
