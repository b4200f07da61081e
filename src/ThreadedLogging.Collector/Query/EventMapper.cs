using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>Storage rows → wire objects.</summary>
internal static class EventMapper
{
    public static EventDto ToDto(StoredEvent e) => new()
    {
        Id = e.Id,
        Timestamp = e.Timestamp,
        Level = LevelNames.ToName(e.Level),
        Category = e.Category,
        Message = e.Message,
        Template = e.Template,
        Exception = Json(e.ExceptionJson),
        Properties = Json(e.PropertiesJson),
        Context = Json(e.ContextJson),
        App = e.App,
        Version = e.Version,
        User = e.User,
        Machine = e.Machine,
        Path = e.Path,
        InstanceId = e.InstanceId,
        Sequence = e.Sequence,
    };

    public static UserDto ToDto(UserSummary u) => new(
        u.User,
        u.FirstSeen,
        u.LastSeen,
        u.LastApp,
        u.LastMachine,
        u.Total,
        ByLevel(u.CountsByLevel),
        ByLevel(u.WindowCountsByLevel),
        u.Machines,
        u.Versions,
        u.LatestError is { } e ? new LatestErrorDto(e.Id, e.Timestamp, LevelNames.ToName(e.Level), e.Message, ExceptionType(e.ExceptionJson)) : null);

    private static Dictionary<string, long> ByLevel(IReadOnlyList<long> counts)
    {
        var levels = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var level = 0; level < counts.Count; level++)
        {
            levels[LevelNames.ToName((LogLevel)level)] = counts[level];
        }

        return levels;
    }

    private static string? ExceptionType(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
    }

    /// <summary>Stored JSON, re-encoded on the way out (HTML-sensitive characters escaped) by <see cref="StoredJsonConverter"/>.</summary>
    private static StoredJson? Json(string? text) => text is null ? null : new StoredJson(text);
}
