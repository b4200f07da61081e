using System.Text.Json;
using ThreadedLogging.Collector.Ingest.Formats;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// An event's time as stored (<see cref="IngestLimits.Timestamp"/>): the client's, or the collector's receive time when
/// the client's clock is more than <c>Collector:MaxClockSkew</c> fast. Such an event is stored, not refused: a refusal
/// lost it and the good events sent with it (Serilog's Seq sink drops a 400'd batch; OTLP clients drop the record),
/// and Seq takes any time. The client's time is then kept as the property <see cref="PropertyName"/>.
/// </summary>
internal readonly record struct EventTime(DateTimeOffset Stored, DateTimeOffset? Client)
{
    /// <summary>The property that keeps a fast client's time (ISO 8601 in UTC, e.g. <c>2026-12-06T19:31:00.0000000Z</c>).</summary>
    public const string PropertyName = "ClientTimestamp";

    /// <summary>
    /// The event's properties (a JSON object, or null) with <see cref="PropertyName"/> first when the client's time was
    /// set aside; unchanged otherwise. A property of that name the client sent is kept, renamed to the first free one of
    /// <c>ClientTimestamp_1</c>, <c>ClientTimestamp_2</c>, … (Serilog's rule for a property that would replace another:
    /// neither value is lost, and the name says which is ours). Names the collector writes can never be reserved: every
    /// format lets a client send any property name.
    /// </summary>
    public string? WithClientTime(string? propertiesJson)
    {
        if (Client is not { } client)
        {
            return propertiesJson;
        }

        return JsonText.Write((client, propertiesJson), static (json, state) =>
        {
            json.WriteStartObject();
            json.WriteString(PropertyName, state.client.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (state.propertiesJson is not null)
            {
                using var document = JsonDocument.Parse(state.propertiesJson);
                HashSet<string>? given = null; // a client's object may hold the name twice: each gets a name of its own
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.NameEquals(PropertyName))
                    {
                        json.WritePropertyName(FreeName(document.RootElement, given ??= []));
                        property.Value.WriteTo(json);
                    }
                    else
                    {
                        property.WriteTo(json);
                    }
                }
            }

            json.WriteEndObject();
        });
    }

    /// <summary>The first of <c>ClientTimestamp_1</c>, <c>_2</c>, … that <paramref name="properties"/> does not hold and was not <paramref name="given"/> (then added to it).</summary>
    private static string FreeName(JsonElement properties, HashSet<string> given)
    {
        for (var n = 1; ; n++)
        {
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{PropertyName}_{n}");
            if (!properties.TryGetProperty(name, out _) && given.Add(name))
            {
                return name;
            }
        }
    }
}
