using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>
/// Reads ThreadedLogging's <c>JsonBatch</c> format (docs/WIRE-FORMAT.md §1): one envelope object
/// (<c>application/json</c>) or one event per line (<c>application/x-ndjson</c>).
/// </summary>
internal static class JsonBatchParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>The MEL level names as JSON strings (quoted UTF-8), by <see cref="LogLevel"/>.</summary>
    private static readonly byte[][] QuotedLevelNames = [.. Enumerable.Range(0, (int)LogLevel.Critical + 1).Select(level => Encoding.UTF8.GetBytes($"\"{LevelNames.ToName((LogLevel)level)}\""))];

    /// <remarks>Escaped lone surrogates in <paramref name="body"/> are replaced in place (<see cref="JsonSurrogateEscapes"/>).</remarks>
    public static EventBatch ParseEnvelope(Memory<byte> body, string path, string? idempotencyKey, IngestLimits limits)
    {
        JsonSurrogateEscapes.ReplaceLone(body.Span);
        using var document = Parse(body, "body");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw IngestRejectedException.BadRequest("expected a JSON object with an 'events' array");
        }

        if (!root.TryGetProperty(JsonBatchFields.Events, out var events) || events.ValueKind != JsonValueKind.Array)
        {
            throw IngestRejectedException.BadRequest("field 'events' must be an array");
        }

        limits.EventCount(events.GetArrayLength());
        var envelope = Identity.From(root, path, limits);
        var batchKey = idempotencyKey is not null
            ? limits.Field(idempotencyKey, IngestEndpoint.IdempotencyKeyHeader, -1)
            : limits.Field(PropertyText(root, JsonBatchFields.BatchId, -1), JsonBatchFields.BatchId, -1);
        var parsed = new List<NewEvent>(events.GetArrayLength());
        var index = 0;
        var repeated = new RepeatedText();
        foreach (var element in events.EnumerateArray())
        {
            parsed.Add(ParseEvent(element, envelope, path, limits, index++, repeated));
        }

        return new EventBatch(batchKey, parsed);
    }

    /// <remarks>Escaped lone surrogates in <paramref name="body"/> are replaced in place (<see cref="JsonSurrogateEscapes"/>).</remarks>
    public static EventBatch ParseLines(Memory<byte> body, string path, string? idempotencyKey, IngestLimits limits)
    {
        JsonSurrogateEscapes.ReplaceLone(body.Span);
        var parsed = new List<NewEvent>();
        var repeated = new RepeatedText();
        var span = body;
        var line = 0;
        while (!span.IsEmpty)
        {
            line++;
            var end = span.Span.IndexOf((byte)'\n');
            var current = end >= 0 ? span[..end] : span;
            span = end >= 0 ? span[(end + 1)..] : Memory<byte>.Empty;
            if (current.Span.Trim("\r \t"u8).IsEmpty)
            {
                continue;
            }

            limits.EventCount(parsed.Count + 1);
            using var document = Parse(current, $"line {line}");
            parsed.Add(ParseEvent(document.RootElement, null, path, limits, parsed.Count, repeated));
        }

        return new EventBatch(limits.Field(idempotencyKey, "Idempotency-Key", -1), parsed);
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> json, string where)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, $"malformed JSON ({where}): {FirstSentence(e.Message)}", e);
        }
    }

    private static NewEvent ParseEvent(JsonElement e, Identity? envelope, string path, IngestLimits limits, int index, RepeatedText repeated)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw IngestRejectedException.BadRequest($"event {index} is not a JSON object");
        }

        var f = JsonBatchEventFields.Read(e);
        if (f.Message.ValueKind == JsonValueKind.Undefined && f.Template.ValueKind == JsonValueKind.Undefined && f.HasClefField)
        {
            // Issue 11: a CLEF event read as JsonBatch would be stored empty; say where it belongs instead.
            throw IngestRejectedException.BadRequest(
                $"event {index} is CLEF (@t/@mt/@m), not JsonBatch: send it with Content-Type {Formats.Clef.ClefDecoder.MediaType}, or to /api/events/raw?clef");
        }

        limits.EventSize(JsonMarshal.GetRawUtf8Value(e).Length, index);
        var identity = Identity.From(f, envelope, path, limits, index, repeated);

        var timestamp = limits.Now;
        if (f.Timestamp.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null && !Rfc3339Time.TryParse(f.Timestamp, out timestamp))
        {
            throw IngestRejectedException.BadRequest($"event {index}: " + Rfc3339Time.Refusal(JsonBatchFields.Timestamp, f.Timestamp.ValueKind == JsonValueKind.String ? f.Timestamp.GetString()! : f.Timestamp.GetRawText()));
        }

        var level = LogLevel.Information;
        if (f.Level.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null)
        {
            if (!TryLevel(f.Level, out level))
            {
                throw IngestRejectedException.BadRequest($"event {index}: 'level' must be Trace, Debug, Information, Warning, Error or Critical");
            }
        }

        var template = Text(f.Template, JsonBatchFields.Template, index, repeated.Strings);
        var time = limits.Timestamp(timestamp, index);
        return new NewEvent
        {
            Timestamp = time.Stored,
            Level = level,
            Category = limits.Field(Text(f.Category, JsonBatchFields.Category, index, repeated.Strings), JsonBatchFields.Category, index),
            Message = Message(f, template, index) ?? template ?? string.Empty,
            Template = template,
            ExceptionJson = ExceptionJson(f.Exception, index),
            PropertiesJson = time.WithClientTime(Raw(f.Properties, JsonBatchFields.Properties, JsonValueKind.Object, index)),
            ContextJson = ContextJson(f, limits, index, repeated, out var traceId),
            TraceId = TraceIds.Normalize(traceId),
            App = identity.App,
            Version = identity.Version,
            User = identity.User,
            Machine = identity.Machine,
            Path = path,
            InstanceId = identity.InstanceId,
            Sequence = Integer(f.Sequence, JsonBatchFields.Sequence, index),
        };
    }

    private static bool TryLevel(JsonElement element, out LogLevel level)
    {
        level = LogLevel.Information;
        if (element.ValueKind == JsonValueKind.String)
        {
            // The clients' names (JsonBatchWriter writes MEL's) without a string per event; any other spelling as before.
            var raw = JsonMarshal.GetRawUtf8Value(element);
            for (var known = LogLevel.Trace; known <= LogLevel.Critical; known++)
            {
                if (raw.SequenceEqual(QuotedLevelNames[(int)known]))
                {
                    level = known;
                    return true;
                }
            }

            return LevelNames.TryParse(element.GetString(), out level);
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) && number is >= 0 and <= 5)
        {
            level = (LogLevel)number;
            return true;
        }

        return false;
    }

    private static string? ExceptionJson(JsonElement exception, int index) => exception.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Object => RawText(exception),
        JsonValueKind.String => JsonText.Write(exception.GetString(), static (json, text) =>
        {
            json.WriteStartObject();
            json.WriteString(JsonBatchFields.ExceptionText, text);
            json.WriteEndObject();
        }),
        _ => throw IngestRejectedException.BadRequest($"event {index}: 'exception' must be an object, a string or null"),
    };

    private static string? ContextJson(in JsonBatchEventFields f, IngestLimits limits, int index, RepeatedText repeated, out string? traceId)
    {
        var eventId = Integer(f.EventId, JsonBatchFields.EventId, index);
        var eventName = limits.Field(Text(f.EventName, JsonBatchFields.EventName, index, repeated.Strings), JsonBatchFields.EventName, index);
        var scopes = Raw(f.Scopes, JsonBatchFields.Scopes, JsonValueKind.Array, index);
        traceId = limits.Field(Text(f.TraceId, JsonBatchFields.TraceId, index), JsonBatchFields.TraceId, index);
        var spanId = limits.Field(Text(f.SpanId, JsonBatchFields.SpanId, index), JsonBatchFields.SpanId, index);
        var threadId = Integer(f.ThreadId, JsonBatchFields.ThreadId, index);
        var threadName = limits.Field(Text(f.ThreadName, JsonBatchFields.ThreadName, index, repeated.Strings), JsonBatchFields.ThreadName, index);
        var processId = Integer(f.ProcessId, JsonBatchFields.ProcessId, index);
        if (eventId is null && eventName is null && scopes is null && traceId is null && spanId is null
            && threadId is null && threadName is null && processId is null)
        {
            return null;
        }

        // Consecutive events of one thread usually have the same context: one string for all of them.
        var context = (eventId, eventName, scopes, traceId, spanId, threadId, threadName, processId);
        if (repeated.Context is { } last && last.Fields.Equals(context))
        {
            return last.Json;
        }

        var json = JsonText.Write(context, static (json, c) =>
        {
            json.WriteStartObject();
            WriteIfPresent(json, JsonBatchFields.EventId, c.eventId);
            WriteIfPresent(json, JsonBatchFields.EventName, c.eventName);
            if (c.scopes is not null)
            {
                json.WritePropertyName(JsonBatchFields.Scopes);
                json.WriteRawValue(c.scopes, skipInputValidation: true);
            }

            WriteIfPresent(json, JsonBatchFields.TraceId, c.traceId);
            WriteIfPresent(json, JsonBatchFields.SpanId, c.spanId);
            WriteIfPresent(json, JsonBatchFields.ThreadId, c.threadId);
            WriteIfPresent(json, JsonBatchFields.ThreadName, c.threadName);
            WriteIfPresent(json, JsonBatchFields.ProcessId, c.processId);
            json.WriteEndObject();
        });
        repeated.Context = (context, json);
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

    private static string? PropertyText(JsonElement e, string name, int index) =>
        Text(e.TryGetProperty(name, out var value) ? value : default, name, index);

    /// <summary>The message; the template's own string when the message is the template as written (a message without holes).</summary>
    private static string? Message(in JsonBatchEventFields f, string? template, int index) =>
        template is not null && f.Message.ValueKind == JsonValueKind.String
            && JsonMarshal.GetRawUtf8Value(f.Message).SequenceEqual(JsonMarshal.GetRawUtf8Value(f.Template))
            ? template
            : Text(f.Message, JsonBatchFields.Message, index);

    /// <summary>A string field's value (null when missing or null); through <paramref name="strings"/> when given, so repeated values share one string.</summary>
    private static string? Text(JsonElement value, string name, int index, BatchStrings? strings = null)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be a string");
        }

        return strings is not null ? strings.Get(value) : value.GetString();
    }

    private static long? Integer(JsonElement value, string name, int index)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an integer");
    }

    private static string? Raw(JsonElement value, string name, JsonValueKind kind, int index)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind
            ? RawText(value)
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an {kind.ToString().ToLowerInvariant()}");
    }

    private static string RawText(JsonElement value) => Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value));

    private static string Where(int index) => index < 0 ? string.Empty : $"event {index}: ";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The identity fields of an event, falling back to the envelope's, then to the path.</summary>
    private sealed record Identity(string? App, string? Version, string? User, string? Machine, string? InstanceId)
    {
        /// <summary>The envelope's identity.</summary>
        public static Identity From(JsonElement root, string path, IngestLimits limits) => new(
            limits.Field(PropertyText(root, JsonBatchFields.App, -1), JsonBatchFields.App, -1),
            limits.Field(PropertyText(root, JsonBatchFields.Version, -1), JsonBatchFields.Version, -1),
            limits.Field(PropertyText(root, JsonBatchFields.User, -1), JsonBatchFields.User, -1) ?? PathUser.From(path),
            limits.Field(PropertyText(root, JsonBatchFields.Machine, -1), JsonBatchFields.Machine, -1),
            limits.Field(PropertyText(root, JsonBatchFields.InstanceId, -1), JsonBatchFields.InstanceId, -1));

        /// <summary>An event's identity: its own fields, else the envelope's (<paramref name="fallback"/>), else the path's user.</summary>
        public static Identity From(in JsonBatchEventFields f, Identity? fallback, string path, IngestLimits limits, int index, RepeatedText repeated)
        {
            if (fallback is not null && IsAbsent(f.App) && IsAbsent(f.Version) && IsAbsent(f.User) && IsAbsent(f.Machine) && IsAbsent(f.InstanceId))
            {
                return fallback; // the usual batch: identity in the envelope only
            }

            var identity = new Identity(
                limits.Field(Text(f.App, JsonBatchFields.App, index, repeated.Strings), JsonBatchFields.App, index) ?? fallback?.App,
                limits.Field(Text(f.Version, JsonBatchFields.Version, index, repeated.Strings), JsonBatchFields.Version, index) ?? fallback?.Version,
                limits.Field(Text(f.User, JsonBatchFields.User, index, repeated.Strings), JsonBatchFields.User, index) ?? fallback?.User ?? PathUser.From(path),
                limits.Field(Text(f.Machine, JsonBatchFields.Machine, index, repeated.Strings), JsonBatchFields.Machine, index) ?? fallback?.Machine,
                limits.Field(Text(f.InstanceId, JsonBatchFields.InstanceId, index, repeated.Strings), JsonBatchFields.InstanceId, index) ?? fallback?.InstanceId);
            return identity;
        }

        private static bool IsAbsent(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
    }

    /// <summary>What repeats from event to event in a batch: its short texts (one string each) and the last context.</summary>
    private sealed class RepeatedText
    {
        public BatchStrings Strings { get; } = new();

        public ((long?, string?, string?, string?, string?, long?, string?, long?) Fields, string Json)? Context { get; set; }
    }
}
