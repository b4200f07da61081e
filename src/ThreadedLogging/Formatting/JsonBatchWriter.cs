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

    /// <summary>Writes the envelope; with <paramref name="keepMessages"/> every event has its <c>message</c>, also one that is its template's text (the spool's records, which a client of an earlier version may read).</summary>
    public static void WriteEnvelope(IBufferWriter<byte> destination, LogBatch batch, bool keepMessages = false)
    {
        using var json = new Utf8JsonWriter(destination, WriterOptions);
        WriteEnvelope(json, batch, 0, batch.Events.Count, keepMessages);
    }

    public static void WriteEnvelope(Stream destination, LogBatch batch)
    {
        using var json = new Utf8JsonWriter(destination, WriterOptions);
        WriteEnvelope(json, batch, 0, batch.Events.Count);
    }

    /// <summary>Writes the envelope of events [start, start+count) of the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteEnvelope(Utf8JsonWriter json, LogBatch batch, int start, int count, bool keepMessages = false)
    {
        var identity = batch.Identity;
        json.WriteStartObject();
        json.WriteString(JsonBatchFields.BatchId, batch.Id);
        WriteIdentity(json, identity);
        json.WriteStartArray(JsonBatchFields.Events);
        var events = JsonEventWriter.Current;
        for (var i = start; i < start + count; i++)
        {
            events.Write(json, batch.Events[i], null, keepMessages);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Writes one event; with <paramref name="identity"/> the event carries the identity itself (NDJSON).</summary>
    public static void WriteEvent(Utf8JsonWriter json, LogEvent logEvent, LogIdentity? identity) =>
        JsonEventWriter.Current.Write(json, logEvent, identity);

    /// <summary>Writes the identity's fields into the object being written.</summary>
    internal static void WriteIdentity(Utf8JsonWriter json, LogIdentity identity)
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

    /// <summary>Writes an exception (at <paramref name="depth"/> of nesting: the text only at the top) as an object.</summary>
    internal static void WriteException(Utf8JsonWriter json, Exception exception, int depth)
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
