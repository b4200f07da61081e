using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>A spool record's payload (the JsonBatch envelope of docs/WIRE-FORMAT.md, written by <see cref="JsonBatchWriter"/>) read back into events.</summary>
internal static class SpoolSerializer
{
    /// <summary>The envelope's <c>batchId</c> (its first member, as <see cref="JsonBatchWriter"/> writes it), without reading the rest; null when it is not there.</summary>
    public static string? ReadBatchId(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read()
            && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(JsonBatchFields.BatchId)
            && reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        return null;
    }

    public static LogBatch Deserialize(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var identity = new LogIdentity
        {
            App = root.GetProperty(JsonBatchFields.App).GetString()!,
            Version = root.GetProperty(JsonBatchFields.Version).GetString()!,
            User = root.GetProperty(JsonBatchFields.User).GetString() ?? string.Empty, // null: no user (LogIdentity.User)
            Machine = root.GetProperty(JsonBatchFields.Machine).GetString() ?? string.Empty,
            ProcessId = root.GetProperty(JsonBatchFields.ProcessId).GetInt32(),
            InstanceId = root.GetProperty(JsonBatchFields.InstanceId).GetString()!,
        };
        var events = new List<LogEvent>();
        foreach (var item in root.GetProperty(JsonBatchFields.Events).EnumerateArray())
        {
            var logEvent = ReadEvent(item);
            logEvent.IsExtra = logEvent.Category == QueueDrops.OwnCategory; // a drop notice stays uncounted
            events.Add(logEvent);
        }

        return new LogBatch(root.GetProperty(JsonBatchFields.BatchId).GetString()!, events, identity);
    }

    private static LogEvent ReadEvent(JsonElement item)
    {
        var properties = item.TryGetProperty(JsonBatchFields.Properties, out var props)
            ? props.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ReadValue(p.Value))).ToArray()
            : [];
        var scopes = item.TryGetProperty(JsonBatchFields.Scopes, out var scopeArray)
            ? scopeArray.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object
                ? (object?)s.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ReadValue(p.Value))).ToArray()
                : ReadValue(s)).ToArray()
            : null;
        var eventId = new EventId(
            item.TryGetProperty(JsonBatchFields.EventId, out var id) ? id.GetInt32() : 0,
            item.TryGetProperty(JsonBatchFields.EventName, out var name) ? name.GetString() : null);
        var timestamp = DateTimeOffset.Parse(item.GetProperty(JsonBatchFields.Timestamp).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new LogEvent(
            timestamp,
            Enum.Parse<LogLevel>(item.GetProperty(JsonBatchFields.Level).GetString()!),
            item.GetProperty(JsonBatchFields.Category).GetString()!,
            eventId,
            item.TryGetProperty(JsonBatchFields.Template, out var template) ? template.GetString() : null,
            item.GetProperty(JsonBatchFields.Message).GetString(),
            properties,
            item.TryGetProperty(JsonBatchFields.Exception, out var exception) && exception.ValueKind == JsonValueKind.Object ? ReadException(exception) : null,
            scopes)
        {
            TraceId = item.TryGetProperty(JsonBatchFields.TraceId, out var trace) ? System.Diagnostics.ActivityTraceId.CreateFromString(trace.GetString()) : default,
            SpanId = item.TryGetProperty(JsonBatchFields.SpanId, out var span) ? System.Diagnostics.ActivitySpanId.CreateFromString(span.GetString()) : default,
            ThreadId = item.TryGetProperty(JsonBatchFields.ThreadId, out var thread) ? thread.GetInt32() : 0,
            ThreadName = item.TryGetProperty(JsonBatchFields.ThreadName, out var threadName) ? threadName.GetString() : null,
            Sequence = item.GetProperty(JsonBatchFields.Sequence).GetInt64(),
            EstimatedBytes = 256,
        };
    }

    private static CapturedException ReadException(JsonElement element) => new(
        element.GetProperty(JsonBatchFields.ExceptionType).GetString() ?? "System.Exception",
        element.GetProperty(JsonBatchFields.Message).GetString() ?? string.Empty,
        element.TryGetProperty(JsonBatchFields.StackTrace, out var stack) ? stack.GetString() : null,
        element.TryGetProperty(JsonBatchFields.ExceptionText, out var text) ? text.GetString() : null,
        element.TryGetProperty(JsonBatchFields.InnerExceptions, out var inner) ? [.. inner.EnumerateArray().Select(ReadException)] : []);

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
