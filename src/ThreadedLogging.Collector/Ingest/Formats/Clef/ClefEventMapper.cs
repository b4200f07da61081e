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

    public static NewEvent Map(JsonElement e, string path, IngestLimits limits, IdentityPropertyOptions identity)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw IngestRejectedException.BadRequest("a CLEF event must be a JSON object");
        }

        limits.EventSize(JsonMarshal.GetRawUtf8Value(e).Length, NoIndex);
        var timestampText = Text(e, "@t") ?? throw IngestRejectedException.BadRequest("'@t' (the event's time) is missing");
        if (!DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp))
        {
            throw IngestRejectedException.BadRequest($"'@t' is not an ISO 8601 time: '{Truncate(timestampText)}'");
        }

        var level = LogLevel.Information;
        if (Text(e, "@l") is { } levelText && !LevelNames.TryParse(levelText, out level))
        {
            throw IngestRejectedException.BadRequest($"'@l' is not a level (Verbose, Debug, Information, Warning, Error, Fatal): '{Truncate(levelText)}'");
        }

        var template = Text(e, "@mt");
        var message = Text(e, "@m");
        if (message is null && template is not null)
        {
            var renderings = e.TryGetProperty("@r", out var r) ? r : default;
            if (renderings.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                throw IngestRejectedException.BadRequest("'@r' must be an array of strings");
            }

            message = SerilogMessageRenderer.Render(template, e, renderings);
        }

        var exception = Text(e, "@x");
        return new NewEvent
        {
            Timestamp = limits.Timestamp(timestamp, NoIndex),
            Level = level,
            Category = limits.Field(Scalar(e, "SourceContext"), "SourceContext", NoIndex),
            Message = message ?? string.Empty,
            Template = template,
            ExceptionJson = exception is null ? null : DotNetExceptionText.ToJson(exception),
            PropertiesJson = PropertiesJson(e),
            ContextJson = ContextJson(e, limits),
            App = limits.Field(First(e, identity.AppNames), "app", NoIndex),
            Version = limits.Field(First(e, identity.VersionNames), "version", NoIndex),
            User = limits.Field(First(e, identity.UserNames) ?? PathUser.From(path), "user", NoIndex),
            Machine = limits.Field(First(e, identity.MachineNames), "machine", NoIndex),
            Path = path,
        };
    }

    /// <summary>The first of <paramref name="names"/> present as a string or number.</summary>
    private static string? First(JsonElement e, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (Scalar(e, name) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Scalar(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static string? Text(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw IngestRejectedException.BadRequest($"'{name}' must be a string");
    }

    /// <summary>Every field that is not a CLEF reified one; <c>@@name</c> is a property named <c>@name</c>.</summary>
    private static string? PropertiesJson(JsonElement e)
    {
        var any = false;
        foreach (var property in e.EnumerateObject())
        {
            if (!IsReified(property.Name))
            {
                any = true;
                break;
            }
        }

        return !any ? null : JsonText.Write(e, static (json, e) =>
        {
            json.WriteStartObject();
            foreach (var property in e.EnumerateObject())
            {
                if (IsReified(property.Name))
                {
                    continue;
                }

                json.WritePropertyName(property.Name.StartsWith("@@", StringComparison.Ordinal) ? property.Name[1..] : property.Name);
                property.Value.WriteTo(json);
            }

            json.WriteEndObject();
        });
    }

    private static bool IsReified(string name) => name is "@t" or "@m" or "@mt" or "@l" or "@x" or "@i" or "@r" or "@tr" or "@sp";

    private static string? ContextJson(JsonElement e, IngestLimits limits)
    {
        long? eventId = null;
        string? eventType = null;
        if (e.TryGetProperty("@i", out var id))
        {
            // Serilog's compact formatter writes the template's hash as 8 hex digits; other producers a number.
            if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
            {
                eventId = number;
            }
            else if (id.ValueKind == JsonValueKind.String)
            {
                eventType = limits.Field(id.GetString(), "@i", NoIndex);
            }
            else if (id.ValueKind != JsonValueKind.Null)
            {
                throw IngestRejectedException.BadRequest("'@i' must be a number or a string");
            }
        }

        var traceId = limits.Field(Text(e, "@tr"), "@tr", NoIndex);
        var spanId = limits.Field(Text(e, "@sp"), "@sp", NoIndex);
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

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
