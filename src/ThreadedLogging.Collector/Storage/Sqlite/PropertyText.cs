using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The searchable text of an event's properties and scopes: every string and number value of its properties (at any
/// depth) and of its context's <c>scopes</c>, without the names, which would match every event that has the property.
/// The rest of the context (trace and span ids, thread, event id) is not searched: a trace id has its own filter. Of a
/// name given twice in one object, the last value only (<see cref="RepeatedJsonNames"/>).
/// A number is written as PostgreSQL's jsonb writes it (<c>1e3</c> is <c>1000</c>, <c>1.50</c> stays), so both stores
/// make the same words of it (PostgreSQL: <c>tl_json_values</c>, schema version 7).
/// </summary>
internal static class PropertyText
{
    public static string? Of(string? propertiesJson, string? contextJson)
    {
        if (propertiesJson is null && (contextJson is null || !contextJson.Contains("\"scopes\"", StringComparison.Ordinal)))
        {
            return null;
        }

        var text = new StringBuilder();
        if (propertiesJson is not null)
        {
            AppendValues(text, propertiesJson, scopesOnly: false);
        }

        if (contextJson is not null)
        {
            AppendValues(text, contextJson, scopesOnly: true);
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private static void AppendValues(StringBuilder text, string json, bool scopesOnly)
    {
        var start = text.Length;
        var utf8 = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8);
        var names = RepeatedJsonNames.For(utf8);
        try
        {
            var inScopes = !scopesOnly;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Open();
                        continue;
                    case JsonTokenType.EndObject:
                        names.Close();
                        continue;
                    case JsonTokenType.PropertyName:
                        names.Name(ref reader, text.Length);
                        if (scopesOnly && reader.CurrentDepth == 1)
                        {
                            inScopes = reader.ValueTextEquals("scopes"u8);
                        }

                        continue;
                }

                if (!inScopes)
                {
                    continue;
                }

                if (reader.TokenType == JsonTokenType.String)
                {
                    text.Append(reader.GetString()).Append('\n');
                }
                else if (reader.TokenType == JsonTokenType.Number)
                {
                    text.Append(Number(reader)).Append('\n');
                }
            }

            // A name given twice in one object: its last value only, as PostgreSQL's jsonb and the property filter read it.
            names.DropEarlierValues(text);
        }
        catch (JsonException)
        {
            // Stored JSON was validated at ingest; should it not parse, index it as it is.
            text.Length = start;
            text.Append(json).Append('\n');
        }
    }

    /// <summary>The number as PostgreSQL's numeric writes it (exponent expanded, scale kept); as written if out of decimal's range.</summary>
    private static string Number(Utf8JsonReader reader)
    {
        var raw = Encoding.UTF8.GetString(reader.ValueSpan);
        return decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString(CultureInfo.InvariantCulture)
            : raw;
    }
}
