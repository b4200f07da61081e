using System.Globalization;
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

    /// <remarks>Escaped lone surrogates in <paramref name="body"/> are replaced in place (<see cref="JsonSurrogateEscapes"/>).</remarks>
    public static EventBatch ParseEnvelope(byte[] body, string path, string? idempotencyKey, IngestLimits limits)
    {
        JsonSurrogateEscapes.ReplaceLone(body);
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
        var envelope = Identity.From(root, null, path, limits, -1);
        var batchKey = idempotencyKey is not null
            ? limits.Field(idempotencyKey, IngestEndpoint.IdempotencyKeyHeader, -1)
            : limits.Field(Text(root, JsonBatchFields.BatchId, -1), JsonBatchFields.BatchId, -1);
        var parsed = new List<NewEvent>(events.GetArrayLength());
        var index = 0;
        foreach (var element in events.EnumerateArray())
        {
            parsed.Add(ParseEvent(element, envelope, path, limits, index++));
        }

        return new EventBatch(batchKey, parsed);
    }

    /// <remarks>Escaped lone surrogates in <paramref name="body"/> are replaced in place (<see cref="JsonSurrogateEscapes"/>).</remarks>
    public static EventBatch ParseLines(byte[] body, string path, string? idempotencyKey, IngestLimits limits)
    {
        JsonSurrogateEscapes.ReplaceLone(body);
        var parsed = new List<NewEvent>();
        var span = body.AsMemory();
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
            parsed.Add(ParseEvent(document.RootElement, null, path, limits, parsed.Count));
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

    private static NewEvent ParseEvent(JsonElement e, Identity? envelope, string path, IngestLimits limits, int index)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw IngestRejectedException.BadRequest($"event {index} is not a JSON object");
        }

        if (!e.TryGetProperty("message", out _) && !e.TryGetProperty("template", out _)
            && (e.TryGetProperty("@t", out _) || e.TryGetProperty("@mt", out _) || e.TryGetProperty("@m", out _)))
        {
            // Issue 11: a CLEF event read as JsonBatch would be stored empty; say where it belongs instead.
            throw IngestRejectedException.BadRequest(
                $"event {index} is CLEF (@t/@mt/@m), not JsonBatch: send it with Content-Type {Formats.Clef.ClefDecoder.MediaType}, or to /api/events/raw?clef");
        }

        limits.EventSize(JsonMarshal.GetRawUtf8Value(e).Length, index);
        var identity = Identity.From(e, envelope, path, limits, index);

        var timestamp = limits.Now;
        if (Text(e, JsonBatchFields.Timestamp, index) is { } timestampText)
        {
            if (!DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp))
            {
                throw IngestRejectedException.BadRequest($"event {index}: 'timestamp' is not an ISO 8601 time: '{Truncate(timestampText)}'");
            }
        }

        var level = LogLevel.Information;
        if (e.TryGetProperty(JsonBatchFields.Level, out var levelElement) && levelElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryLevel(levelElement, out level))
            {
                throw IngestRejectedException.BadRequest($"event {index}: 'level' must be Trace, Debug, Information, Warning, Error or Critical");
            }
        }

        var template = Text(e, JsonBatchFields.Template, index);
        return new NewEvent
        {
            Timestamp = limits.Timestamp(timestamp, index),
            Level = level,
            Category = limits.Field(Text(e, JsonBatchFields.Category, index), JsonBatchFields.Category, index),
            Message = Text(e, JsonBatchFields.Message, index) ?? template ?? string.Empty,
            Template = template,
            ExceptionJson = ExceptionJson(e, index),
            PropertiesJson = Raw(e, JsonBatchFields.Properties, JsonValueKind.Object, index),
            ContextJson = ContextJson(e, limits, index),
            App = identity.App,
            Version = identity.Version,
            User = identity.User,
            Machine = identity.Machine,
            Path = path,
            InstanceId = identity.InstanceId,
            Sequence = Integer(e, JsonBatchFields.Sequence, index),
        };
    }

    private static bool TryLevel(JsonElement element, out LogLevel level)
    {
        level = LogLevel.Information;
        if (element.ValueKind == JsonValueKind.String)
        {
            return LevelNames.TryParse(element.GetString(), out level);
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) && number is >= 0 and <= 5)
        {
            level = (LogLevel)number;
            return true;
        }

        return false;
    }

    private static string? ExceptionJson(JsonElement e, int index)
    {
        if (!e.TryGetProperty(JsonBatchFields.Exception, out var exception))
        {
            return null;
        }

        return exception.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Object => RawText(exception),
            JsonValueKind.String => JsonText.Write(exception.GetString(), static (json, text) =>
            {
                json.WriteStartObject();
                json.WriteString(JsonBatchFields.ExceptionText, text);
                json.WriteEndObject();
            }),
            _ => throw IngestRejectedException.BadRequest($"event {index}: 'exception' must be an object, a string or null"),
        };
    }

    private static string? ContextJson(JsonElement e, IngestLimits limits, int index)
    {
        var eventId = Integer(e, JsonBatchFields.EventId, index);
        var eventName = limits.Field(Text(e, JsonBatchFields.EventName, index), JsonBatchFields.EventName, index);
        var scopes = Raw(e, JsonBatchFields.Scopes, JsonValueKind.Array, index);
        var traceId = limits.Field(Text(e, JsonBatchFields.TraceId, index), JsonBatchFields.TraceId, index);
        var spanId = limits.Field(Text(e, JsonBatchFields.SpanId, index), JsonBatchFields.SpanId, index);
        var threadId = Integer(e, JsonBatchFields.ThreadId, index);
        var threadName = limits.Field(Text(e, JsonBatchFields.ThreadName, index), JsonBatchFields.ThreadName, index);
        var processId = Integer(e, JsonBatchFields.ProcessId, index);
        if (eventId is null && eventName is null && scopes is null && traceId is null && spanId is null
            && threadId is null && threadName is null && processId is null)
        {
            return null;
        }

        return JsonText.Write((eventId, eventName, scopes, traceId, spanId, threadId, threadName, processId), static (json, c) =>
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

    internal static string? Text(JsonElement e, string name, int index)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be a string");
    }

    private static long? Integer(JsonElement e, string name, int index)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an integer");
    }

    private static string? Raw(JsonElement e, string name, JsonValueKind kind, int index)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind
            ? RawText(value)
            : throw IngestRejectedException.BadRequest($"{Where(index)}'{name}' must be an {kind.ToString().ToLowerInvariant()}");
    }

    private static string RawText(JsonElement value) => Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value));

    private static string Where(int index) => index < 0 ? string.Empty : $"event {index}: ";

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The identity fields of an event, falling back to the envelope's, then to the path.</summary>
    private sealed record Identity(string? App, string? Version, string? User, string? Machine, string? InstanceId)
    {
        public static Identity From(JsonElement e, Identity? fallback, string path, IngestLimits limits, int index) => new(
            limits.Field(Text(e, JsonBatchFields.App, index), JsonBatchFields.App, index) ?? fallback?.App,
            limits.Field(Text(e, JsonBatchFields.Version, index), JsonBatchFields.Version, index) ?? fallback?.Version,
            limits.Field(Text(e, JsonBatchFields.User, index), JsonBatchFields.User, index) ?? fallback?.User ?? PathUser.From(path),
            limits.Field(Text(e, JsonBatchFields.Machine, index), JsonBatchFields.Machine, index) ?? fallback?.Machine,
            limits.Field(Text(e, JsonBatchFields.InstanceId, index), JsonBatchFields.InstanceId, index) ?? fallback?.InstanceId);
    }
}
