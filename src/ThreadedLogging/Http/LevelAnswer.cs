using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Reads the <c>levels</c> of a collector's answer (a JsonBatch ingest answer or <c>GET /api/levels/effective</c>):
/// <c>[{"category": prefix, "level": "Debug", "expires": ISO time}]</c>. Anything else is no answer (null), not an error.
/// </summary>
internal static class LevelAnswer
{
    public static IReadOnlyList<LevelRule>? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("levels", out var levels)
                || levels.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var rules = new List<LevelRule>(levels.GetArrayLength());
            foreach (var item in levels.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("level", out var level) && Enum.TryParse<LogLevel>(level.GetString(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    && item.TryGetProperty("expires", out var expires) && DateTimeOffset.TryParse(expires.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
                {
                    var category = item.TryGetProperty("category", out var prefix) && prefix.ValueKind == JsonValueKind.String ? prefix.GetString()! : string.Empty;
                    rules.Add(new LevelRule(category, parsed, until));
                }
            }

            return rules;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
