using System.Text.Json;

namespace ThreadedLogging.Tests.Support;

/// <summary>
/// The oracle of the wire's bytes for an event: what the JSON writer wrote before <see cref="JsonEventWriter"/> (issue 14),
/// one <see cref="Utf8JsonWriter"/> call per field in the field order of docs/WIRE-FORMAT.md, with no cache.
/// </summary>
internal static class ReferenceEventJson
{
    public static byte[] Write(LogEvent logEvent, LogIdentity? identity)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonBatchWriter.WriterOptions))
        {
            WriteEvent(json, logEvent, identity);
        }

        return buffer.ToArray();
    }

    public static void WriteEvent(Utf8JsonWriter json, LogEvent logEvent, LogIdentity? identity)
    {
        json.WriteStartObject();
        json.WriteString(JsonBatchFields.Timestamp, logEvent.Timestamp.UtcDateTime);
        json.WriteString(JsonBatchFields.Level, JsonBatchWriter.LevelName(logEvent.Level));
        json.WriteString(JsonBatchFields.Category, logEvent.Category);
        if (logEvent.EventId.Id != 0)
        {
            json.WriteNumber(JsonBatchFields.EventId, logEvent.EventId.Id);
        }

        if (logEvent.EventId.Name is { } eventName)
        {
            json.WriteString(JsonBatchFields.EventName, eventName);
        }

        if (logEvent.Template is { } template)
        {
            json.WriteString(JsonBatchFields.Template, template);
        }

        if (logEvent.Message != logEvent.Template) // rendered the way the worker renders it; left out when it is the template's text
        {
            json.WriteString(JsonBatchFields.Message, logEvent.Message);
        }

        if (logEvent.PropertyCount > 0)
        {
            json.WritePropertyName(JsonBatchFields.Properties);
            json.WriteStartObject();
            var properties = logEvent.PropertySpan;
            var inline = logEvent.InlineSpan;
            for (var i = 0; i < properties.Length; i++)
            {
                json.WritePropertyName(properties[i].Key);
                if (properties[i].Value is InlineKind kind)
                {
                    kind.WriteJson(json, in inline[i]);
                }
                else
                {
                    JsonBatchWriter.WriteValue(json, properties[i].Value, 1);
                }
            }

            json.WriteEndObject();
        }

        if (logEvent.Exception is { } exception)
        {
            json.WritePropertyName(JsonBatchFields.Exception);
            JsonBatchWriter.WriteException(json, exception, 0);
        }

        if (logEvent.ScopeArray is { Length: > 0 })
        {
            json.WriteStartArray(JsonBatchFields.Scopes);
            foreach (var scope in logEvent.Scopes)
            {
                JsonBatchWriter.WriteValue(json, scope, 0);
            }

            json.WriteEndArray();
        }

        if (logEvent.TraceId != default)
        {
            json.WriteString(JsonBatchFields.TraceId, logEvent.TraceId.ToHexString());
            json.WriteString(JsonBatchFields.SpanId, logEvent.SpanId.ToHexString());
        }

        json.WriteNumber(JsonBatchFields.ThreadId, logEvent.ThreadId);
        if (logEvent.ThreadName is { } threadName)
        {
            json.WriteString(JsonBatchFields.ThreadName, threadName);
        }

        if (identity is not null)
        {
            JsonBatchWriter.WriteIdentity(json, identity);
        }

        json.WriteNumber(JsonBatchFields.Sequence, logEvent.Sequence);
        json.WriteEndObject();
    }
}
