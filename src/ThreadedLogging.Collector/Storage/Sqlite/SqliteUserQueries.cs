using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The users list: one keyset-paged read of the <c>users</c> table (kept by the writer), then, for the
/// page's users only, their window's counts, machines and versions (an index range of ix_events_user_nocase
/// each) and their latest error (by id). Cost grows with the page, not with the number of users.
/// </summary>
internal static class SqliteUserQueries
{
    private const int LevelCount = 6;

    /// <summary>Reads up to <see cref="UserQuery.Limit"/> + 1 rows (one more tells that a next page exists).</summary>
    public static List<UserRow> ReadPage(SqliteConnection connection, UserQuery query)
    {
        using var command = connection.CreateCommand();
        // Keyset order on (key, user): the indexes on the key hold the user (the table's key) too.
        var key = query.Sort switch
        {
            UserSort.LatestError => "coalesce(last_error_ts, -1)",
            UserSort.Name => "0",
            _ => "last_seen",
        };
        var order = query.Sort == UserSort.Name ? "user" : $"{key} DESC, user DESC";
        var where = new List<string>();
        if (query.Search is { Length: > 0 } search)
        {
            // LIKE folds ASCII case; the search text is a literal (%, _ and \ escaped).
            where.Add("user LIKE $search ESCAPE '\\'");
            command.Parameters.AddWithValue("$search", "%" + search.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        }

        if (query.After is { } after)
        {
            where.Add(query.Sort == UserSort.Name ? "user > $user" : $"({key}, user) < ($key, $user)");
            command.Parameters.AddWithValue("$key", after.Key);
            command.Parameters.AddWithValue("$user", after.User);
        }

        command.CommandText = $"""
            SELECT user, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5, last_error_id, {key}
            FROM users {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)}
            ORDER BY {order} LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        var rows = new List<UserRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new UserRow(
                reader.GetString(0),
                new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                SqliteEventStore.NullableString(reader, 3),
                SqliteEventStore.NullableString(reader, 4),
                reader.GetInt64(5),
                [reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11)],
                reader.IsDBNull(12) ? null : reader.GetInt64(12),
                reader.GetInt64(13)));
        }

        return rows;
    }

    public static UserCursor Cursor(UserRow row, UserSort sort) => new(sort == UserSort.Name ? 0 : row.SortKey, row.User);

    /// <summary>Adds the window's counts, machines and versions, and the latest error, to one row.</summary>
    public static UserSummary Complete(SqliteConnection connection, UserRow row, UserQuery query, long spillMilliseconds, Func<long, StoredEvent?> readEvent)
    {
        using var command = connection.CreateCommand();
        // Events without a user are kept under '' in users; the exact comparison keeps "Alice" apart from "alice".
        var userCondition = row.User.Length == 0 ? "e.user IS NULL" : "e.user = $user COLLATE NOCASE AND e.user = $user";
        command.CommandText = $"""
            SELECT e.level, e.machine, e.app, e.version, count(*) FROM events e
            WHERE {userCondition} AND e.id >= $from_id AND e.id < $to_id AND e.ts >= $from AND e.ts <= $to
            GROUP BY e.level, e.machine, e.app, e.version
            """;
        command.Parameters.AddWithValue("$user", row.User);
        command.Parameters.AddWithValue("$from_id", SqliteEventIds.First(query.WindowFrom));
        command.Parameters.AddWithValue("$to_id", SqliteEventIds.After(query.WindowTo, spillMilliseconds));
        command.Parameters.AddWithValue("$from", query.WindowFrom.UtcTicks);
        command.Parameters.AddWithValue("$to", query.WindowTo.UtcTicks);
        var counts = new long[LevelCount];
        var machines = new Dictionary<string, long>(StringComparer.Ordinal);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var n = reader.GetInt64(4);
                counts[Math.Clamp(reader.GetInt32(0), 0, LevelCount - 1)] += n;
                if (SqliteEventStore.NullableString(reader, 1) is { } machine)
                {
                    machines[machine] = machines.GetValueOrDefault(machine) + n;
                }

                var app = SqliteEventStore.NullableString(reader, 2);
                var version = SqliteEventStore.NullableString(reader, 3);
                if (app is not null || version is not null)
                {
                    var label = string.Join(' ', new[] { app, version }.Where(v => v is not null));
                    versions[label] = versions.GetValueOrDefault(label) + n;
                }
            }
        }

        return new UserSummary
        {
            User = row.User.Length == 0 ? null : row.User,
            FirstSeen = row.FirstSeen,
            LastSeen = row.LastSeen,
            LastApp = row.LastApp,
            LastMachine = row.LastMachine,
            Total = row.Total,
            CountsByLevel = row.Counts,
            LatestError = row.LatestErrorId is { } id ? readEvent(id) : null,
            WindowCountsByLevel = counts,
            Machines = [.. machines.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key)],
            Versions = [.. versions.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key)],
        };
    }

    /// <summary>A row of the users table.</summary>
    internal sealed record UserRow(
        string User,
        DateTimeOffset FirstSeen,
        DateTimeOffset LastSeen,
        string? LastApp,
        string? LastMachine,
        long Total,
        long[] Counts,
        long? LatestErrorId,
        long SortKey);
}
