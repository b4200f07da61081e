using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Maps one CLEF event (<c>@t @m @mt @l @x @i @r @tr @sp</c> + properties; https://clef-json.org) to an event:
/// <c>@m</c> rendered from <c>@mt</c> when absent, <c>SourceContext</c> → category, identity from the properties
/// named by <see cref="IdentityPropertyOptions"/>. Reasons name no position: the decoder prefixes the line.
/// </summary>
internal static class ClefEventMapper
{
    private const int NoIndex = -1;

    /// <remarks>Short texts that repeat from event to event (template, category, identity, level) share one string per request through <paramref name="strings"/>.</remarks>
    public static NewEvent Map(JsonElement e, string path, IngestLimits limits, IdentityPropertyOptions identity, BatchStrings strings)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw IngestRejectedException.BadRequest("a CLEF event must be a JSON object");
        }

        limits.EventSize(JsonMarshal.GetRawUtf8Value(e).Length, NoIndex);

        // One pass over the properties (no lookup per field, no string per name): the reified fields, SourceContext and
        // the identity candidates; a name repeated keeps its last value, as JsonElement.TryGetProperty does.
        var fields = default(ClefEventFields);
        var hasProperties = false;
        foreach (var property in e.EnumerateObject())
        {
            var name = Utf8Name(property);
            if (fields.TrySetReified(name, property.Value))
            {
                continue;
            }

            hasProperties = true;
            if (name.SequenceEqual("SourceContext"u8))
            {
                fields.SourceContext = property.Value;
            }

            fields.OfferIdentity(name, property.Value, identity.Utf8Names, e);
        }

        if (!IsText(fields.Time, "@t"))
        {
            throw IngestRejectedException.BadRequest("'@t' (the event's time) is missing");
        }

        if (!Rfc3339Time.TryParse(fields.Time, out var timestamp))
        {
            throw IngestRejectedException.BadRequest(Rfc3339Time.Refusal("@t", fields.Time.GetString()!));
        }

        // Seq takes any '@l' (a level is free text there): one it does not know is stored as Information with the text
        // kept as the property '@l', instead of refusing the whole batch (Serilog.Sinks.Seq drops a batch refused).
        var level = LogLevel.Information;
        string? unknownLevel = null;
        if (Text(fields.Level, "@l", strings) is { } levelText && !LevelNames.TryParse(levelText, out level))
        {
            unknownLevel = limits.Field(levelText, "@l", NoIndex);
            hasProperties = true;
        }

        var template = Text(fields.Template, "@mt", strings);
        var message = Text(fields.Message, "@m");
        if (message is null && template is not null)
        {
            if (fields.Renderings.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                throw IngestRejectedException.BadRequest("'@r' must be an array of strings");
            }

            message = SerilogMessageRenderer.Render(template, e, fields.Renderings, limits.Options.MaxEventBytes);
        }

        var exception = Text(fields.Exception, "@x");
        var time = limits.Timestamp(timestamp, NoIndex);
        return new NewEvent
        {
            Timestamp = time.Stored,
            Level = level,
            Category = limits.Field(Scalar(fields.SourceContext, strings), "SourceContext", NoIndex),
            Message = message ?? string.Empty,
            Template = template,
            ExceptionJson = exception is null ? null : DotNetExceptionText.ToJson(exception),
            PropertiesJson = time.WithClientTime(hasProperties ? PropertiesJson(e, unknownLevel) : null),
            ContextJson = ContextJson(fields, limits, strings, out var traceId),
            TraceId = TraceIds.Normalize(traceId),
            App = limits.App(Scalar(fields.App, strings), "app", NoIndex),
            Version = limits.Version(Scalar(fields.Version, strings), "version", NoIndex),
            User = limits.User(Scalar(fields.User, strings) ?? PathUser.From(path), "user", NoIndex),
            Machine = limits.Machine(Scalar(fields.Machine, strings), "machine", NoIndex),
            Path = path,
        };
    }

    /// <summary>The property's name as UTF-8 without JSON escapes (the raw bytes unless the name has an escape).</summary>
    private static ReadOnlySpan<byte> Utf8Name(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') < 0 ? raw : System.Text.Encoding.UTF8.GetBytes(property.Name);
    }

    /// <summary>A string or a number as text; anything else (or absent) is null.</summary>
    private static string? Scalar(JsonElement value, BatchStrings strings) => value.ValueKind switch
    {
        JsonValueKind.String => strings.Get(value),
        JsonValueKind.Number => strings.Get(JsonMarshal.GetRawUtf8Value(value)),
        _ => null,
    };

    /// <summary>A string field's value (null when missing or null), through <paramref name="strings"/> when given.</summary>
    private static string? Text(JsonElement value, string name, BatchStrings? strings = null) =>
        !IsText(value, name) ? null : strings is not null ? strings.Get(value) : value.GetString();

    /// <summary>Whether the field is a string: false when missing or null, a 400 when it is another kind.</summary>
    private static bool IsText(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => false,
        JsonValueKind.String => true,
        _ => throw IngestRejectedException.BadRequest($"'{name}' must be a string"),
    };

    /// <summary>
    /// Every field that is not a CLEF reified one; <c>@@name</c> is a property named <c>@name</c>; a level the collector
    /// does not know is the property <c>@l</c> (unless the event has its own <c>@@l</c>).
    /// </summary>
    private static string PropertiesJson(JsonElement e, string? unknownLevel) => JsonText.Write((e, unknownLevel), static (json, state) =>
    {
        var (e, unknownLevel) = state;
        json.WriteStartObject();
        if (unknownLevel is not null && !e.TryGetProperty("@@l"u8, out _))
        {
            json.WriteString("@l"u8, unknownLevel);
        }

        foreach (var property in e.EnumerateObject())
        {
            var name = Utf8Name(property);
            if (ClefEventFields.IsReified(name))
            {
                continue;
            }

            if (name.StartsWith("@@"u8))
            {
                json.WritePropertyName(name[1..]);
            }
            else
            {
                json.WritePropertyName(name);
            }

            property.Value.WriteTo(json);
        }

        json.WriteEndObject();
    });

    private static string? ContextJson(in ClefEventFields fields, IngestLimits limits, BatchStrings strings, out string? traceId)
    {
        long? eventId = null;
        string? eventType = null;
        var id = fields.EventId;
        if (id.ValueKind != JsonValueKind.Undefined)
        {
            // Serilog's compact formatter writes the template's hash as 8 hex digits; other producers a number.
            if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
            {
                eventId = number;
            }
            else if (id.ValueKind == JsonValueKind.String)
            {
                eventType = limits.Field(strings.Get(id), "@i", NoIndex);
            }
            else if (id.ValueKind != JsonValueKind.Null)
            {
                throw IngestRejectedException.BadRequest("'@i' must be a number or a string");
            }
        }

        traceId = limits.Field(Text(fields.TraceId, "@tr"), "@tr", NoIndex);
        var spanId = limits.Field(Text(fields.SpanId, "@sp"), "@sp", NoIndex);
        if (eventId is null && eventType is null && traceId is null && spanId is null)
        {
            return null;
        }

        return JsonText.Write((eventId, eventType, traceId, spanId), static (json, c) =>
        {
            json.WriteStartObject();
            if (c.eventId is { } number)
            {
                json.WriteNumber("eventId", number);
            }

            if (c.eventType is not null)
            {
                json.WriteString("eventType", c.eventType);
            }

            if (c.traceId is not null)
            {
                json.WriteString("traceId", c.traceId);
            }

            if (c.spanId is not null)
            {
                json.WriteString("spanId", c.spanId);
            }

            json.WriteEndObject();
        });
    }
}
