using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// One JsonBatch event's fields → the row to store, or a 400 naming the event and field (docs/WIRE-FORMAT.md §1). One per
/// request: what repeats from event to event (short texts, the last context) is made one string.
/// </summary>
internal sealed class JsonBatchEventMapper(JsonBatchBody body, string path, IngestLimits limits)
{
    /// <summary>The MEL level names as JSON strings (quoted UTF-8), by <see cref="LogLevel"/>.</summary>
    private static readonly byte[][] QuotedLevelNames = [.. Enumerable.Range(0, (int)LogLevel.Critical + 1).Select(level => System.Text.Encoding.UTF8.GetBytes($"\"{LevelNames.ToName((LogLevel)level)}\""))];

    private readonly BatchStrings _strings = new();

    /// <summary>The last context written, and its JSON: consecutive events of one thread usually share it.</summary>
    private (ContextFields Fields, string Json)? _context;

    /// <summary>The event at <paramref name="index"/>: its fields, its object's size in bytes, the envelope's identity (NDJSON: none).</summary>
    /// <exception cref="IngestRejectedException">The event is refused; the request stores nothing.</exception>
    public NewEvent Map(in JsonBatchEventFields f, long size, JsonBatchIdentity? envelope, int index)
    {
        if (f.Message.Kind == JsonTokenType.None && f.Template.Kind == JsonTokenType.None && f.HasClefField)
        {
            // Issue 11: a CLEF event read as JsonBatch would be stored empty; say where it belongs instead.
            throw IngestRejectedException.BadRequest(
                $"event {index} is CLEF (@t/@mt/@m), not JsonBatch: send it with Content-Type {Clef.ClefDecoder.MediaType}, or to /api/events/raw?clef");
        }

        limits.EventSize(size, index);
        var identity = JsonBatchIdentity.From(f, envelope, body, path, limits, index, _strings);
        var timestamp = limits.Now;
        if (!f.Timestamp.IsAbsent && !TryTime(f.Timestamp, out timestamp))
        {
            var text = f.Timestamp.Kind == JsonTokenType.String ? body.String(f.Timestamp) : body.RawText(f.Timestamp);
            throw IngestRejectedException.BadRequest($"event {index}: " + Rfc3339Time.Refusal(JsonBatchFields.Timestamp, text));
        }

        var level = LogLevel.Information;
        if (!f.Level.IsAbsent && !TryLevel(f.Level, out level))
        {
            throw IngestRejectedException.BadRequest($"event {index}: 'level' must be {LevelNames.Accepted}");
        }

        var template = body.Text(f.Template, JsonBatchFields.Template, index, _strings);
        var time = limits.Timestamp(timestamp, index);
        return new NewEvent
        {
            Timestamp = time.Stored,
            Level = level,
            Category = limits.Field(body.Text(f.Category, JsonBatchFields.Category, index, _strings), JsonBatchFields.Category, index),
            Message = Message(f, template, index) ?? template ?? string.Empty,
            Template = template,
            ExceptionJson = ExceptionJson(f.Exception, index),
            PropertiesJson = time.WithClientTime(body.Json(f.Properties, JsonBatchFields.Properties, JsonTokenType.StartObject, index)),
            ContextJson = ContextJson(f, index, out var traceId),
            TraceId = TraceIds.Normalize(traceId),
            App = identity.App,
            Version = identity.Version,
            User = identity.User,
            Machine = identity.Machine,
            Path = path,
            InstanceId = identity.InstanceId,
            Sequence = body.Integer(f.Sequence, JsonBatchFields.Sequence, index),
        };
    }

    /// <summary>An RFC 3339 time (<see cref="Rfc3339Time"/>), from its UTF-8 bytes when it has no escapes.</summary>
    private bool TryTime(in JsonBatchValue value, out DateTimeOffset time)
    {
        if (value.Kind != JsonTokenType.String)
        {
            time = default;
            return false;
        }

        return value.Escaped ? Rfc3339Time.TryParse(body.String(value).AsSpan(), out time) : Rfc3339Time.TryParse(body.Raw(value)[1..^1], out time);
    }

    private bool TryLevel(in JsonBatchValue value, out LogLevel level)
    {
        level = LogLevel.Information;
        if (value.Kind == JsonTokenType.String)
        {
            // The clients' names (JsonBatchWriter writes MEL's) without a string per event; any other spelling through LevelNames.
            var raw = body.Raw(value);
            for (var known = LogLevel.Trace; known <= LogLevel.Critical; known++)
            {
                if (raw.SequenceEqual(QuotedLevelNames[(int)known]))
                {
                    level = known;
                    return true;
                }
            }

            return LevelNames.TryParse(body.String(value), out level);
        }

        if (body.TryInt64(value, out var number) && number is >= 0 and <= 5)
        {
            level = (LogLevel)number;
            return true;
        }

        return false;
    }

    private string? ExceptionJson(in JsonBatchValue exception, int index) => exception.Kind switch
    {
        JsonTokenType.None or JsonTokenType.Null => null,
        JsonTokenType.StartObject => body.RawText(exception),
        JsonTokenType.String => JsonText.Write(body.String(exception), static (json, text) =>
        {
            json.WriteStartObject();
            json.WriteString(JsonBatchFields.ExceptionText, text);
            json.WriteEndObject();
        }),
        _ => throw IngestRejectedException.BadRequest($"event {index}: 'exception' must be an object, a string or null"),
    };

    /// <summary>The message; the template's own string when the message is the template as written (a message without holes).</summary>
    private string? Message(in JsonBatchEventFields f, string? template, int index) =>
        template is not null && f.Message.Kind == JsonTokenType.String && body.Raw(f.Message).SequenceEqual(body.Raw(f.Template))
            ? template
            : body.Text(f.Message, JsonBatchFields.Message, index);

    private string? ContextJson(in JsonBatchEventFields f, int index, out string? traceId)
    {
        var eventId = body.Integer(f.EventId, JsonBatchFields.EventId, index);
        var eventName = limits.Field(body.Text(f.EventName, JsonBatchFields.EventName, index, _strings), JsonBatchFields.EventName, index);
        var scopes = body.Json(f.Scopes, JsonBatchFields.Scopes, JsonTokenType.StartArray, index);
        traceId = limits.Field(body.Text(f.TraceId, JsonBatchFields.TraceId, index), JsonBatchFields.TraceId, index);
        var spanId = limits.Field(body.Text(f.SpanId, JsonBatchFields.SpanId, index), JsonBatchFields.SpanId, index);
        var threadId = body.Integer(f.ThreadId, JsonBatchFields.ThreadId, index);
        var threadName = limits.Field(body.Text(f.ThreadName, JsonBatchFields.ThreadName, index, _strings), JsonBatchFields.ThreadName, index);
        var processId = body.Integer(f.ProcessId, JsonBatchFields.ProcessId, index);
        if (eventId is null && eventName is null && scopes is null && traceId is null && spanId is null
            && threadId is null && threadName is null && processId is null)
        {
            return null;
        }

        var context = new ContextFields(eventId, eventName, scopes, traceId, spanId, threadId, threadName, processId);
        if (_context is { } last && last.Fields.Equals(context))
        {
            return last.Json;
        }

        var json = JsonText.Write(context, static (json, c) =>
        {
            json.WriteStartObject();
            WriteIfPresent(json, JsonBatchFields.EventId, c.EventId);
            WriteIfPresent(json, JsonBatchFields.EventName, c.EventName);
            if (c.Scopes is not null)
            {
                json.WritePropertyName(JsonBatchFields.Scopes);
                json.WriteRawValue(c.Scopes, skipInputValidation: true);
            }

            WriteIfPresent(json, JsonBatchFields.TraceId, c.TraceId);
            WriteIfPresent(json, JsonBatchFields.SpanId, c.SpanId);
            WriteIfPresent(json, JsonBatchFields.ThreadId, c.ThreadId);
            WriteIfPresent(json, JsonBatchFields.ThreadName, c.ThreadName);
            WriteIfPresent(json, JsonBatchFields.ProcessId, c.ProcessId);
            json.WriteEndObject();
        });
        _context = (context, json);
        return json;
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    /// <summary>An event's context fields (what <c>ContextJson</c> holds).</summary>
    private readonly record struct ContextFields(
        long? EventId, string? EventName, string? Scopes, string? TraceId, string? SpanId, long? ThreadId, string? ThreadName, long? ProcessId);
}
