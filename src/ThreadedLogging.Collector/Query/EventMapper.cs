using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Ingest;
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

    public static UserDto ToDto(UserSummary u)
    {
        var levels = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var level = 0; level < u.CountsByLevel.Count; level++)
        {
            levels[LevelNames.ToName((LogLevel)level)] = u.CountsByLevel[level];
        }

        return new UserDto(u.User, u.FirstSeen, u.LastSeen, u.LastApp, u.LastMachine, u.Total, levels);
    }

    /// <summary>Re-read stored JSON so that it is re-encoded on the way out (HTML-sensitive characters escaped).</summary>
    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
