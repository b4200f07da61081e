using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The users list in three statements, whatever the page size: one keyset-paged read of the <c>users</c>
/// table (kept by the writer); one grouped read of the page's events within the window (an index range of
/// ix_events_user per user, bounded by the window's ids) for the counts, machines and versions; one
/// read of the page's latest errors by id. Cost grows with the page, not with the number of users.
/// </summary>
internal static class SqliteUserQueries
{
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
        // Each word a literal substring, ASCII case folded (lower() folds ASCII only, as LIKE did). Not LIKE: its pattern
        // ends at a NUL, so a search with one matched every user; instr and lower compare the text's full length.
        var words = query.SearchWords;
        for (var i = 0; i < words.Length; i++)
        {
            where.Add($"instr(lower(user), lower($search{i})) > 0");
            command.Parameters.AddWithValue($"$search{i}", words[i]);
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
            rows.Add(new UserRow(StoredRows.ReadUser(reader), reader.IsDBNull(12) ? null : reader.GetInt64(12), reader.GetInt64(13)));
        }

        return rows;
    }

    public static UserCursor Cursor(UserRow row, UserSort sort) => new(sort == UserSort.Name ? 0 : row.SortKey, row.Summary.User ?? string.Empty);

    /// <summary>Adds the window's counts, machines and versions, and the latest error, to the page's rows.</summary>
    public static List<UserSummary> Complete(SqliteConnection connection, IReadOnlyList<UserRow> rows, UserQuery query, long spillMilliseconds, Func<IReadOnlyCollection<long>, Dictionary<long, StoredEvent>> readEvents)
    {
        var tallies = new UserPageTallies(rows.Select(r => r.Summary.User));
        if (rows.Count > 0)
        {
            using var command = connection.CreateCommand();
            command.Parameters.AddWithValue("$from_id", SqliteEventIds.First(query.WindowFrom));
            command.Parameters.AddWithValue("$to_id", SqliteEventIds.After(query.WindowTo, spillMilliseconds));
            command.Parameters.AddWithValue("$from", query.WindowFrom.UtcTicks);
            command.Parameters.AddWithValue("$to", query.WindowTo.UtcTicks);
            const string Window = "e.id >= $from_id AND e.id < $to_id AND e.ts >= $from AND e.ts <= $to";
            const string Keys = "e.user_key, e.level, e.machine_key, e.app_key, e.version_key";
            var parts = new List<string>(2);
            if (tallies.Names.Count > 0)
            {
                // The exact names' keys: one index range per user.
                var names = new List<string>(tallies.Names.Count);
                foreach (var name in tallies.Names)
                {
                    var parameter = "$u" + names.Count.ToString(CultureInfo.InvariantCulture);
                    command.Parameters.AddWithValue(parameter, name);
                    names.Add(parameter);
                }

                parts.Add($"""
                    SELECT {Keys}, count(*) AS n FROM events e
                    WHERE e.user_key IN (SELECT id FROM user_names WHERE name IN ({string.Join(", ", names)})) AND {Window}
                    GROUP BY {Keys}
                    """);
            }

            if (tallies.HasWithoutUser)
            {
                parts.Add($"SELECT {Keys}, count(*) AS n FROM events e WHERE e.user_key IS NULL AND {Window} GROUP BY {Keys}");
            }

            // The groups' keys, then their names.
            command.CommandText = $"""
                SELECT (SELECT name FROM user_names WHERE id = g.user_key), g.level, (SELECT name FROM machines WHERE id = g.machine_key),
                    (SELECT name FROM apps WHERE id = g.app_key), (SELECT name FROM versions WHERE id = g.version_key), g.n
                FROM ({string.Join(" UNION ALL ", parts)}) g
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tallies.Add(StoredRows.NullableString(reader, 0), reader.GetInt32(1), StoredRows.NullableString(reader, 2), StoredRows.NullableString(reader, 3), StoredRows.NullableString(reader, 4), reader.GetInt64(5));
            }
        }

        var errors = readEvents([.. rows.Where(r => r.LatestErrorId is not null).Select(r => r.LatestErrorId!.Value)]);
        return [.. rows.Select(r => tallies.Complete(r.Summary, r.LatestErrorId is { } id ? errors.GetValueOrDefault(id) : null))];
    }

    /// <summary>A row of the users table: the summary without the window, the latest error's id, the sort key.</summary>
    internal sealed record UserRow(UserSummary Summary, long? LatestErrorId, long SortKey);
}
