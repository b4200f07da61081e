using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>A spool record's payload (the JsonBatch envelope of docs/WIRE-FORMAT.md, written by <see cref="JsonBatchWriter"/>) read back into events.</summary>
internal static class SpoolSerializer
{
    public static LogBatch Deserialize(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var identity = new LogIdentity
        {
            App = root.GetProperty("app").GetString()!,
            Version = root.GetProperty("version").GetString()!,
            User = root.GetProperty("user").GetString()!,
            Machine = root.GetProperty("machine").GetString()!,
            ProcessId = root.GetProperty("processId").GetInt32(),
            InstanceId = root.GetProperty("instanceId").GetString()!,
        };
        var events = new List<LogEvent>();
        foreach (var item in root.GetProperty("events").EnumerateArray())
        {
            var logEvent = ReadEvent(item);
            logEvent.IsExtra = logEvent.Category == QueueDrops.OwnCategory; // a drop notice stays uncounted
            events.Add(logEvent);
        }

        return new LogBatch(root.GetProperty("batchId").GetString()!, events, identity);
    }

    private static LogEvent ReadEvent(JsonElement item)
    {
        var properties = item.TryGetProperty("properties", out var props)
            ? props.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ReadValue(p.Value))).ToArray()
            : [];
        var scopes = item.TryGetProperty("scopes", out var scopeArray)
            ? scopeArray.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object
                ? (object?)s.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ReadValue(p.Value))).ToArray()
                : ReadValue(s)).ToArray()
            : null;
        var eventId = new EventId(
            item.TryGetProperty("eventId", out var id) ? id.GetInt32() : 0,
            item.TryGetProperty("eventName", out var name) ? name.GetString() : null);
        var timestamp = DateTimeOffset.Parse(item.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new LogEvent(
            timestamp,
            Enum.Parse<LogLevel>(item.GetProperty("level").GetString()!),
            item.GetProperty("category").GetString()!,
            eventId,
            item.TryGetProperty("template", out var template) ? template.GetString() : null,
            item.GetProperty("message").GetString(),
            properties,
            item.TryGetProperty("exception", out var exception) && exception.ValueKind == JsonValueKind.Object ? ReadException(exception) : null,
            scopes)
        {
            TraceId = item.TryGetProperty("traceId", out var trace) ? System.Diagnostics.ActivityTraceId.CreateFromString(trace.GetString()) : default,
            SpanId = item.TryGetProperty("spanId", out var span) ? System.Diagnostics.ActivitySpanId.CreateFromString(span.GetString()) : default,
            ThreadId = item.TryGetProperty("threadId", out var thread) ? thread.GetInt32() : 0,
            ThreadName = item.TryGetProperty("threadName", out var threadName) ? threadName.GetString() : null,
            Sequence = item.GetProperty("sequence").GetInt64(),
            EstimatedBytes = 256,
        };
    }

    private static CapturedException ReadException(JsonElement element) => new(
        element.GetProperty("type").GetString() ?? "System.Exception",
        element.GetProperty("message").GetString() ?? string.Empty,
        element.TryGetProperty("stackTrace", out var stack) ? stack.GetString() : null,
        element.TryGetProperty("text", out var text) ? text.GetString() : null,
        element.TryGetProperty("inner", out var inner) ? [.. inner.EnumerateArray().Select(ReadException)] : []);

    private static object? ReadValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? (object)l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(ReadValue).ToArray(),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => ReadValue(p.Value)),
        _ => null,
    };
}
