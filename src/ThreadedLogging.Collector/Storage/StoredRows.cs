using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Reads the rows every engine selects in the same column order: events (id, ts, level, category, message,
/// template, exception, properties, context, app, version, user, machine, path, instance id, sequence) and
/// users (user, first seen, last seen, last app, last machine, total, six level counts).
/// </summary>
internal static class StoredRows
{
    public static StoredEvent ReadEvent(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Timestamp = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
        Level = (LogLevel)reader.GetInt32(2),
        Category = NullableString(reader, 3),
        Message = reader.GetString(4),
        Template = NullableString(reader, 5),
        ExceptionJson = NullableString(reader, 6),
        PropertiesJson = NullableString(reader, 7),
        ContextJson = NullableString(reader, 8),
        App = NullableString(reader, 9),
        Version = NullableString(reader, 10),
        User = NullableString(reader, 11),
        Machine = NullableString(reader, 12),
        Path = NullableString(reader, 13),
        InstanceId = NullableString(reader, 14),
        Sequence = reader.IsDBNull(15) ? null : reader.GetInt64(15),
    };

    /// <summary>Reads a user row; the empty name is the row of events without a user.</summary>
    public static UserSummary ReadUser(DbDataReader reader)
    {
        var user = reader.GetString(0);
        return new UserSummary
        {
            User = user.Length == 0 ? null : user,
            FirstSeen = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
            LastSeen = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
            LastApp = NullableString(reader, 3),
            LastMachine = NullableString(reader, 4),
            Total = reader.GetInt64(5),
            CountsByLevel = [reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11)],
        };
    }

    public static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
