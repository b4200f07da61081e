using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Reads the <c>levels</c> of a collector's answer (a JsonBatch ingest answer or <c>GET /api/levels/effective</c>):
/// <c>[{"category": prefix, "level": "Debug", "expires": ISO time}]</c>. Anything else is no answer (null), and an
/// item of another shape is skipped: never an exception, since the answer comes from whatever answers at the host.
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
                // Every value's kind is checked before it is read: GetString on a number throws InvalidOperationException,
                // which escaped from here and made a sent batch count as failed, retried for ever.
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("level", out var level) && level.ValueKind == JsonValueKind.String
                    && Enum.TryParse<LogLevel>(level.GetString(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    && item.TryGetProperty("expires", out var expires) && expires.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(expires.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
                {
                    // No category is every category; a category that is not text skips the item rather than widen it to all.
                    var hasCategory = item.TryGetProperty("category", out var prefix);
                    if (!hasCategory || prefix.ValueKind == JsonValueKind.String)
                    {
                        rules.Add(new LevelRule(hasCategory ? prefix.GetString()! : string.Empty, parsed, until));
                    }
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
