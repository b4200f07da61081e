using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Writes one event's JSON object (docs/WIRE-FORMAT.md) as UTF-8 bytes of its own, handed to the batch's writer whole
/// (<see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>): the fields' names and punctuation are
/// constant bytes, integers and the timestamp are formatted in place, cached names copied, and text that needs no
/// escaping (plain ASCII, the usual message) narrowed. Everything else — text to escape, dates, decimals, objects,
/// exceptions, scopes — goes through a <see cref="Utf8JsonWriter"/> over the same buffer, so the bytes are the ones
/// the writer's per-field calls wrote before (issue 14: about fifteen of those calls per event were a third of the
/// worker's JSON time). One per thread.
/// </summary>
internal sealed partial class JsonEventWriter : IBufferWriter<byte>
{
    private const int NumberBytes = 64; // a long, a double, a decimal, a boolean: at most 32 bytes
    private const int KeptBytes = 64 * 1024; // a thread keeps a buffer this big at most, past an event with a huge text

    [ThreadStatic]
    private static JsonEventWriter? t_current;

    private static readonly byte[] TimestampPrefix = Prefix(JsonBatchFields.Timestamp, first: true);
    private static readonly byte[][] LevelFields = // ,"level":"Information" for each level, None last (and for any other value)
        [.. Enum.GetValues<LogLevel>().Order().Select(level => Encoding.UTF8.GetBytes($",\"{JsonBatchFields.Level}\":\"{JsonBatchWriter.LevelName(level)}\""))];
    private static readonly byte[] CategoryPrefix = Prefix(JsonBatchFields.Category);
    private static readonly byte[] EventIdPrefix = Prefix(JsonBatchFields.EventId);
    private static readonly byte[] EventNamePrefix = Prefix(JsonBatchFields.EventName);
    private static readonly byte[] TemplatePrefix = Prefix(JsonBatchFields.Template);
    private static readonly byte[] MessagePrefix = Prefix(JsonBatchFields.Message);
    private static readonly byte[] PropertiesPrefix = Prefix(JsonBatchFields.Properties);
    private static readonly byte[] ExceptionPrefix = Prefix(JsonBatchFields.Exception);
    private static readonly byte[] ScopesPrefix = Prefix(JsonBatchFields.Scopes);
    private static readonly byte[] TraceIdPrefix = Prefix(JsonBatchFields.TraceId);
    private static readonly byte[] SpanIdPrefix = Prefix(JsonBatchFields.SpanId);
    private static readonly byte[] ThreadIdPrefix = Prefix(JsonBatchFields.ThreadId);
    private static readonly byte[] ThreadNamePrefix = Prefix(JsonBatchFields.ThreadName);
    private static readonly byte[] SequencePrefix = Prefix(JsonBatchFields.Sequence);

    /// <summary>
    /// The ASCII characters the writer copies as they are, taken from the writer's own escaping (its default encoder)
    /// rather than restated: a character outside these makes the whole string go through the writer.
    /// </summary>
    private static readonly SearchValues<char> Unescaped = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => JsonEncodedText.Encode(c.ToString()).ToString() == c.ToString())]);

    private readonly Utf8JsonWriter _values;
    private readonly EncodedTextCache _cache = EncodedTextCache.Current;
    private byte[] _bytes = new byte[1024];
    private int _length;

    private JsonEventWriter() => _values = new Utf8JsonWriter(this, JsonBatchWriter.WriterOptions);

    /// <summary>Gets this thread's writer.</summary>
    public static JsonEventWriter Current => t_current ??= new JsonEventWriter();

    /// <summary>
    /// Writes <paramref name="logEvent"/> as the next value of <paramref name="json"/>; with <paramref name="identity"/> the
    /// event carries it (NDJSON). A message that is its template's text is left out (the receiver reads an absent
    /// <c>message</c> as the template, docs/WIRE-FORMAT.md), unless <paramref name="keepMessage"/> (the spool, which a
    /// client of an earlier version may read).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(Utf8JsonWriter json, LogEvent logEvent, LogIdentity? identity, bool keepMessage = false)
    {
        _length = 0;
        WriteFields(logEvent, identity, keepMessage);
        json.WriteRawValue(_bytes.AsSpan(0, _length), skipInputValidation: true);
        if (_bytes.Length > KeptBytes)
        {
            _bytes = new byte[1024];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFields(LogEvent logEvent, LogIdentity? identity, bool keepMessage)
    {
        WriteTimestamp(logEvent.Timestamp.UtcDateTime);
        Raw(LevelFields[(uint)logEvent.Level < (uint)LevelFields.Length ? (int)logEvent.Level : LevelFields.Length - 1]);
        Raw(CategoryPrefix);
        Cached(logEvent.Category);
        if (logEvent.EventId.Id != 0)
        {
            Raw(EventIdPrefix);
            Number(logEvent.EventId.Id);
        }

        if (logEvent.EventId.Name is { } eventName)
        {
            Raw(EventNamePrefix);
            Cached(eventName);
        }

        if (logEvent.Template is { } template)
        {
            Raw(TemplatePrefix);
            Cached(template);
        }

        WriteMessage(logEvent, keepMessage);
        if (logEvent.PropertyCount > 0)
        {
            Raw(PropertiesPrefix);
            WriteProperties(logEvent.PropertySpan, logEvent.InlineSpan);
        }

        if (logEvent.Exception is { } exception)
        {
            Raw(ExceptionPrefix);
            _values.Reset();
            JsonBatchWriter.WriteException(_values, exception, 0);
            _values.Flush();
        }

        if (logEvent.ScopeArray is { Length: > 0 } scopes)
        {
            Raw(ScopesPrefix);
            Raw("["u8);
            for (var i = 0; i < scopes.Length; i++)
            {
                if (i > 0)
                {
                    Raw(","u8);
                }

                Value(scopes[i], 0);
            }

            Raw("]"u8);
        }

        if (logEvent.TraceId != default)
        {
            Raw(TraceIdPrefix);
            Text(logEvent.TraceId.ToHexString());
            Raw(SpanIdPrefix);
            Text(logEvent.SpanId.ToHexString());
        }

        Raw(ThreadIdPrefix);
        Number(logEvent.ThreadId);
        if (logEvent.ThreadName is { } threadName)
        {
            Raw(ThreadNamePrefix);
            Cached(threadName);
        }

        if (identity is not null)
        {
            Raw(","u8);
            _values.Reset();
            JsonBatchWriter.WriteIdentity(_values, identity);
            _values.Flush();
        }

        Raw(SequencePrefix);
        Number(logEvent.Sequence);
        Raw("}"u8);
    }

    /// <summary>
    /// The <c>message</c> field: the rendered message, as <see cref="JsonBatchWriter"/>'s message rules say, without making a
    /// string of it; nothing when it is the template's text and <paramref name="keepMessage"/> is not set (a message
    /// without holes was sent twice, a text of 10 MB as 20 MB, and refused as too large where 10 MB was taken).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteMessage(LogEvent logEvent, bool keepMessage)
    {
        var template = logEvent.Template;
        if (logEvent.KnownMessage is { } known)
        {
            if (keepMessage || !string.Equals(known, template, StringComparison.Ordinal))
            {
                Raw(MessagePrefix);
                Text(known);
            }
        }
        else if (template is not { Length: > 0 })
        {
            if (keepMessage || template is null)
            {
                Raw(MessagePrefix);
                Raw("\"\""u8);
            }
        }
        else if (!MessageTemplate.HasHoles(template))
        {
            if (keepMessage)
            {
                Raw(MessagePrefix);
                Cached(template);
            }
        }
        else
        {
            var builder = MessageTemplate.RenderToBuilder(template, logEvent.PropertySpan, logEvent.InlineSpan);
            if (keepMessage || builder.Length != template.Length || !builder.Equals(template.AsSpan()))
            {
                Raw(MessagePrefix);
                var chunks = builder.GetChunks();
                if (chunks.MoveNext() && chunks.Current.Length == builder.Length)
                {
                    Text(chunks.Current.Span);
                }
                else
                {
                    Text(builder.ToString());
                }
            }

            MessageTemplate.Release(builder);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteProperties(ReadOnlySpan<KeyValuePair<string, object?>> properties, ReadOnlySpan<InlineSlot> inline)
    {
        Raw("{"u8);
        for (var i = 0; i < properties.Length; i++)
        {
            if (i > 0)
            {
                Raw(","u8);
            }

            var (key, value) = properties[i];
            if (_cache.TryGet(key, out var encoded))
            {
                Quoted(encoded);
                Raw(":"u8);
            }
            else
            {
                _values.Reset();
                _values.WritePropertyName(key);
                _values.Flush();
            }

            if (value is InlineKind kind)
            {
                var destination = GetSpan(NumberBytes);
                if (kind.TryWriteJsonToken(in inline[i], destination, out var written))
                {
                    Advance(written);
                }
                else
                {
                    _values.Reset();
                    kind.WriteJson(_values, in inline[i]);
                    _values.Flush();
                }
            }
            else
            {
                Value(value, 1);
            }
        }

        Raw("}"u8);
    }

    /// <summary>A value as <see cref="JsonBatchWriter.WriteValue"/> writes it: text here, the rest through the writer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Value(object? value, int depth)
    {
        switch (value)
        {
            case string text:
                Text(text);
                return;
            case int number:
                Number(number);
                return;
            case long number:
                Number(number);
                return;
            case decimal number:
                Utf8Formatter.TryFormat(number, GetSpan(NumberBytes), out var written); // the writer's own formatting
                Advance(written);
                return;
            case double number when double.IsFinite(number):
                Utf8Formatter.TryFormat(number, GetSpan(NumberBytes), out written);
                Advance(written);
                return;
            case bool flag:
                Raw(flag ? "true"u8 : "false"u8);
                return;
        }

        _values.Reset();
        JsonBatchWriter.WriteValue(_values, value, depth);
        _values.Flush();
    }
}
