using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Writes batches in ThreadedLogging's JSON format (docs/WIRE-FORMAT.md): an envelope with the
/// batch id and the identity, then the events. Shared by the HTTP and SQS transports.
/// </summary>
internal static class JsonBatchWriter
{
    private const int MaxDepth = 16;

    /// <summary>No structure validation on each write: only this class writes, and the tests parse what it writes.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    // Property names encoded once: writing a string name transcodes and escapes it on every event.
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode(JsonBatchFields.Timestamp);
    private static readonly JsonEncodedText LevelPropertyName = JsonEncodedText.Encode(JsonBatchFields.Level);
    private static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode(JsonBatchFields.Category);
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode(JsonBatchFields.EventId);
    private static readonly JsonEncodedText EventNameName = JsonEncodedText.Encode(JsonBatchFields.EventName);
    private static readonly JsonEncodedText TemplateName = JsonEncodedText.Encode(JsonBatchFields.Template);
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode(JsonBatchFields.Message);
    private static readonly JsonEncodedText PropertiesName = JsonEncodedText.Encode(JsonBatchFields.Properties);
    private static readonly JsonEncodedText ExceptionName = JsonEncodedText.Encode(JsonBatchFields.Exception);
    private static readonly JsonEncodedText ScopesName = JsonEncodedText.Encode(JsonBatchFields.Scopes);
    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode(JsonBatchFields.TraceId);
    private static readonly JsonEncodedText SpanIdName = JsonEncodedText.Encode(JsonBatchFields.SpanId);
    private static readonly JsonEncodedText ThreadIdName = JsonEncodedText.Encode(JsonBatchFields.ThreadId);
    private static readonly JsonEncodedText ThreadNameName = JsonEncodedText.Encode(JsonBatchFields.ThreadName);
    private static readonly JsonEncodedText SequenceName = JsonEncodedText.Encode(JsonBatchFields.Sequence);
    private static readonly JsonEncodedText[] LevelValues =
        [.. Enum.GetValues<LogLevel>().Order().Select(level => JsonEncodedText.Encode(LevelName(level)))];

    public static void WriteEnvelope(IBufferWriter<byte> destination, LogBatch batch)
    {
        using var json = new Utf8JsonWriter(destination, WriterOptions);
        WriteEnvelope(json, batch, 0, batch.Events.Count);
    }

    public static void WriteEnvelope(Stream destination, LogBatch batch)
    {
        using var json = new Utf8JsonWriter(destination, WriterOptions);
        WriteEnvelope(json, batch, 0, batch.Events.Count);
    }

    /// <summary>Writes the envelope of events [start, start+count) of the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteEnvelope(Utf8JsonWriter json, LogBatch batch, int start, int count)
    {
        var identity = batch.Identity;
        json.WriteStartObject();
        json.WriteString(JsonBatchFields.BatchId, batch.Id);
        WriteIdentity(json, identity);
        json.WriteStartArray(JsonBatchFields.Events);
        var cache = EncodedTextCache.Current;
        for (var i = start; i < start + count; i++)
        {
            WriteEvent(json, batch.Events[i], null, cache);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Writes one event; with <paramref name="identity"/> the event carries the identity itself (NDJSON).</summary>
    public static void WriteEvent(Utf8JsonWriter json, LogEvent logEvent, LogIdentity? identity) =>
        WriteEvent(json, logEvent, identity, EncodedTextCache.Current);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteEvent(Utf8JsonWriter json, LogEvent logEvent, LogIdentity? identity, EncodedTextCache cache)
    {
        json.WriteStartObject();
        json.WriteString(TimestampName, logEvent.Timestamp.UtcDateTime); // ISO 8601, "Z", trailing zeros of the fraction trimmed
        var level = (int)logEvent.Level;
        json.WriteString(LevelPropertyName, (uint)level < (uint)LevelValues.Length ? LevelValues[level] : LevelValues[^1]);
        cache.WriteString(json, CategoryName, logEvent.Category);
        if (logEvent.EventId.Id != 0)
        {
            json.WriteNumber(EventIdName, logEvent.EventId.Id);
        }

        if (logEvent.EventId.Name is { } eventName)
        {
            cache.WriteString(json, EventNameName, eventName);
        }

        if (logEvent.Template is { } template)
        {
            cache.WriteString(json, TemplateName, template);
        }

        WriteMessage(json, logEvent, cache);
        if (logEvent.PropertyCount > 0)
        {
            json.WritePropertyName(PropertiesName);
            WriteProperties(json, logEvent.PropertySpan, logEvent.InlineSpan, cache);
        }

        if (logEvent.Exception is { } exception)
        {
            json.WritePropertyName(ExceptionName);
            WriteException(json, exception, 0);
        }

        if (logEvent.ScopeArray is { Length: > 0 })
        {
            json.WriteStartArray(ScopesName);
            foreach (var scope in logEvent.Scopes)
            {
                WriteValue(json, scope, 0);
            }

            json.WriteEndArray();
        }

        if (logEvent.TraceId != default)
        {
            json.WriteString(TraceIdName, logEvent.TraceId.ToHexString());
            json.WriteString(SpanIdName, logEvent.SpanId.ToHexString());
        }

        json.WriteNumber(ThreadIdName, logEvent.ThreadId);
        if (logEvent.ThreadName is { } threadName)
        {
            cache.WriteString(json, ThreadNameName, threadName);
        }

        if (identity is not null)
        {
            WriteIdentity(json, identity);
        }

        json.WriteNumber(SequenceName, logEvent.Sequence);
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the rendered message without making a string of it: a template without holes is its own message
    /// (and is long-lived, so its encoding is cached); otherwise it is rendered into a reused builder and copied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteMessage(Utf8JsonWriter json, LogEvent logEvent, EncodedTextCache cache)
    {
        if (logEvent.KnownMessage is { } known)
        {
            json.WriteString(MessageName, known);
        }
        else if (logEvent.Template is not { Length: > 0 } template)
        {
            json.WriteString(MessageName, string.Empty);
        }
        else if (!MessageTemplate.HasHoles(template))
        {
            cache.WriteString(json, MessageName, template);
        }
        else
        {
            var builder = MessageTemplate.RenderToBuilder(template, logEvent.PropertySpan, logEvent.InlineSpan);
            var chunks = builder.GetChunks();
            if (chunks.MoveNext() && chunks.Current.Length == builder.Length)
            {
                json.WriteString(MessageName, chunks.Current.Span);
            }
            else
            {
                json.WriteString(MessageName, builder.ToString());
            }

            MessageTemplate.Release(builder);
        }
    }

    private static void WriteIdentity(Utf8JsonWriter json, LogIdentity identity)
    {
        json.WriteString(JsonBatchFields.App, identity.App);
        json.WriteString(JsonBatchFields.Version, identity.Version);
        WriteNameOrNull(json, JsonBatchFields.User, identity.User); // none: null, as the collector reads "no user"
        WriteNameOrNull(json, JsonBatchFields.Machine, identity.Machine);
        json.WriteNumber(JsonBatchFields.ProcessId, identity.ProcessId);
        json.WriteString(JsonBatchFields.InstanceId, identity.InstanceId);
    }

    private static void WriteNameOrNull(Utf8JsonWriter json, string name, string value)
    {
        if (value.Length == 0)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };

    private static void WriteException(Utf8JsonWriter json, Exception exception, int depth)
    {
        json.WriteStartObject();
        json.WriteString(JsonBatchFields.ExceptionType, CapturedException.TypeNameOf(exception));
        json.WriteString(JsonBatchFields.Message, CapturedException.MessageOf(exception));
        json.WriteString(JsonBatchFields.StackTrace, CapturedException.StackTraceOf(exception));
        if (depth == 0)
        {
            json.WriteString(JsonBatchFields.ExceptionText, CapturedException.TextOf(exception));
        }

        var inner = CapturedException.InnerOf(exception);
        if (inner.Count > 0 && depth < MaxDepth)
        {
            json.WriteStartArray(JsonBatchFields.InnerExceptions);
            foreach (var child in inner)
            {
                WriteException(json, child, depth + 1);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteProperties(Utf8JsonWriter json, ReadOnlySpan<KeyValuePair<string, object?>> properties, ReadOnlySpan<InlineSlot> inline, EncodedTextCache cache)
    {
        json.WriteStartObject();
        for (var i = 0; i < properties.Length; i++)
        {
            var (key, value) = properties[i];
            cache.WritePropertyName(json, key);
            if (value is InlineKind kind)
            {
                kind.WriteJson(json, in inline[i]);
            }
            else
            {
                WriteValue(json, value, 1);
            }
        }

        json.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter json, ReadOnlySpan<KeyValuePair<string, object?>> properties, int depth)
    {
        json.WriteStartObject();
        foreach (var (key, value) in properties)
        {
            json.WritePropertyName(key);
            WriteValue(json, value, depth + 1);
        }

        json.WriteEndObject();
    }

    /// <summary>Writes a property value (at <paramref name="depth"/> of nesting) as JSON.</summary>
    internal static void WriteValue(Utf8JsonWriter json, object? value, int depth)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumberValue(u);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case DateTime dt:
                json.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                json.WriteStringValue(dto.ToString("O", CultureInfo.InvariantCulture));
                break;
            case LoggedBytes bytes:
                json.WriteStringValue(bytes.Hex);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs when depth < MaxDepth:
                WriteProperties(json, pairs as KeyValuePair<string, object?>[] ?? [.. pairs], depth);
                break;
            case IEnumerable items and not string when depth < MaxDepth:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(json, item, depth + 1);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(MessageTemplate.FormatValue(value));
                break;
        }
    }
}
