using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>Reads level rules and audit lines from either engine: both select the same columns in the same order, times as UTC ticks.</summary>
internal static class LevelRuleRows
{
    /// <summary>Columns: id, app, version, user, machine, category, level, expires, created_by, created.</summary>
    public static LevelRule ReadRule(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        App = Text(reader, 1),
        Version = Text(reader, 2),
        User = Text(reader, 3),
        Machine = Text(reader, 4),
        Category = Text(reader, 5),
        Level = (LogLevel)Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
        Expires = new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero),
        CreatedBy = reader.GetString(8),
        Created = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
    };

    /// <summary>Columns: rule_id, action, by, at, rule.</summary>
    public static LevelRuleChange ReadChange(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), reader.GetString(4));

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
