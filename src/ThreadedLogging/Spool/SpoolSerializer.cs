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

    /// <summary>
    /// How many of the app's events an envelope holds (its drop notices, category <see cref="QueueDrops.OwnCategory"/>, are
    /// not: as <see cref="Deserialize"/> marks them), read token by token without making the events: what a record's
    /// header says when its checksum does not vouch for it (a record of an earlier version, or a corrupt one).
    /// </summary>
    /// <exception cref="JsonException">The JSON is not an envelope with an <c>events</c> array of objects.</exception>
    public static int CountAppEvents(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The envelope is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEvents = reader.ValueTextEquals(JsonBatchFields.Events);
            reader.Read();
            if (!isEvents)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("The envelope's events are not an array.");
            }

            var count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                var own = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isCategory = reader.ValueTextEquals(JsonBatchFields.Category);
                    reader.Read();
                    if (isCategory)
                    {
                        own = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(QueueDrops.OwnCategory);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                count += own ? 0 : 1;
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw new JsonException("An event of the envelope is not a JSON object.");
            }

            return count;
        }

        throw new JsonException("The envelope has no events.");
    }

    /// <summary>
    /// Reads an envelope back into a batch; its drop notices are marked as not the app's (<see cref="LogEvent.IsExtra"/>):
    /// the events after its first <paramref name="appEvents"/> when the record says how many are the app's (this version's),
    /// else, for a record of an earlier version, those of category <see cref="QueueDrops.OwnCategory"/> (an app's event of
    /// that category too: before, for every record, and its settling counted one fewer than its record, pending for ever).
    /// </summary>
    public static LogBatch Deserialize(ReadOnlyMemory<byte> payload, int? appEvents = null)
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
        var array = root.GetProperty(JsonBatchFields.Events);
        var events = new List<LogEvent>(array.GetArrayLength());
        var previous = new Repeated();
        foreach (var item in array.EnumerateArray())
        {
            var logEvent = ReadEvent(item, previous);
            logEvent.IsExtra = appEvents is { } app ? events.Count >= app : logEvent.Category == QueueDrops.OwnCategory; // a drop notice stays uncounted
            events.Add(logEvent);
        }

        return new LogBatch(root.GetProperty(JsonBatchFields.BatchId).GetString()!, events, identity);
    }

    /// <summary>
    /// Reads one event. The texts a batch repeats from event to event (category, template, event and thread names,
    /// property names, a property's string value at the same place) are compared with the previous event's, not read
    /// into a new string each time; timestamp and level are read without a string.
    /// </summary>
    private static LogEvent ReadEvent(JsonElement item, Repeated previous)
    {
        var properties = item.TryGetProperty(JsonBatchFields.Properties, out var props) ? ReadProperties(props, previous) : [];
        var scopes = item.TryGetProperty(JsonBatchFields.Scopes, out var scopeArray) ? ReadScopes(scopeArray) : null;
        var eventId = new EventId(
            item.TryGetProperty(JsonBatchFields.EventId, out var id) ? id.GetInt32() : 0,
            item.TryGetProperty(JsonBatchFields.EventName, out var name) ? Repeated.Text(name, ref previous.EventName) : null);
        return new LogEvent(
            ReadTimestamp(item.GetProperty(JsonBatchFields.Timestamp)),
            ReadLevel(item.GetProperty(JsonBatchFields.Level)),
            Repeated.Text(item.GetProperty(JsonBatchFields.Category), ref previous.Category)!,
            eventId,
            item.TryGetProperty(JsonBatchFields.Template, out var template) ? Repeated.Text(template, ref previous.Template) : null,
            item.GetProperty(JsonBatchFields.Message).GetString(),
            properties,
            item.TryGetProperty(JsonBatchFields.Exception, out var exception) && exception.ValueKind == JsonValueKind.Object ? ReadException(exception) : null,
            scopes)
        {
            TraceId = item.TryGetProperty(JsonBatchFields.TraceId, out var trace) ? System.Diagnostics.ActivityTraceId.CreateFromString(trace.GetString()) : default,
            SpanId = item.TryGetProperty(JsonBatchFields.SpanId, out var span) ? System.Diagnostics.ActivitySpanId.CreateFromString(span.GetString()) : default,
            ThreadId = item.TryGetProperty(JsonBatchFields.ThreadId, out var thread) ? thread.GetInt32() : 0,
            ThreadName = item.TryGetProperty(JsonBatchFields.ThreadName, out var threadName) ? Repeated.Text(threadName, ref previous.ThreadName) : null,
            Sequence = item.GetProperty(JsonBatchFields.Sequence).GetInt64(),
            EstimatedBytes = 256,
        };
    }

    private static KeyValuePair<string, object?>[] ReadProperties(JsonElement properties, Repeated previous)
    {
        var read = new KeyValuePair<string, object?>[properties.GetPropertyCount()];
        var last = previous.Properties;
        var i = 0;
        foreach (var property in properties.EnumerateObject())
        {
            var before = i < last.Length ? last[i] : default;
            var name = before.Key is { } known && property.NameEquals(known) ? known : property.Name;
            var value = before.Value is string text && property.Value.ValueKind == JsonValueKind.String && property.Value.ValueEquals(text)
                ? text
                : ReadValue(property.Value);
            read[i++] = new KeyValuePair<string, object?>(name, value);
        }

        previous.Properties = read;
        return read;
    }

    private static object?[] ReadScopes(JsonElement scopes)
    {
        var read = new object?[scopes.GetArrayLength()];
        var i = 0;
        foreach (var scope in scopes.EnumerateArray())
        {
            read[i++] = scope.ValueKind == JsonValueKind.Object
                ? scope.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, ReadValue(p.Value))).ToArray()
                : ReadValue(scope);
        }

        return read;
    }

    /// <summary>The writer's ISO 8601 UTC time read without a string; any other form as before (invariant, UTC when no offset).</summary>
    private static DateTimeOffset ReadTimestamp(JsonElement timestamp) =>
        timestamp.ValueKind == JsonValueKind.String && timestamp.TryGetDateTimeOffset(out var time) && time.Offset == TimeSpan.Zero
            ? time
            : DateTimeOffset.Parse(timestamp.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The level's name (<see cref="JsonBatchWriter.LevelName"/>) without a string; anything else as <see cref="Enum.Parse{TEnum}(string)"/> reads it.</summary>
    private static LogLevel ReadLevel(JsonElement level)
    {
        for (var candidate = LogLevel.Trace; candidate <= LogLevel.None; candidate++)
        {
            if (level.ValueKind == JsonValueKind.String && level.ValueEquals(JsonBatchWriter.LevelName(candidate)))
            {
                return candidate;
            }
        }

        return Enum.Parse<LogLevel>(level.GetString()!);
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

    /// <summary>What the previous event of the batch had, to reuse its strings when the next one repeats them.</summary>
    private sealed class Repeated
    {
        public string? Category;
        public string? Template;
        public string? EventName;
        public string? ThreadName;
        public KeyValuePair<string, object?>[] Properties = [];

        /// <summary>A string value: <paramref name="last"/> when it is the same text, else read (and kept as the last).</summary>
        public static string? Text(JsonElement value, ref string? last) =>
            value.ValueKind == JsonValueKind.String && last is not null && value.ValueEquals(last) ? last : last = value.GetString();
    }
}
