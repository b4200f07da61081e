using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The users list: one keyset-paged read of the <c>users</c> table (kept by the writer), then, for the
/// page's users only, their window's counts, machines and versions (an index range of ix_events_user_nocase
/// each) and their latest error (by id). Cost grows with the page, not with the number of users.
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
            rows.Add(new UserRow(StoredRows.ReadUser(reader), reader.IsDBNull(12) ? null : reader.GetInt64(12), reader.GetInt64(13)));
        }

        return rows;
    }

    public static UserCursor Cursor(UserRow row, UserSort sort) => new(sort == UserSort.Name ? 0 : row.SortKey, row.Summary.User ?? string.Empty);

    /// <summary>Adds the window's counts, machines and versions, and the latest error, to one row.</summary>
    public static UserSummary Complete(SqliteConnection connection, UserRow row, UserQuery query, long spillMilliseconds, Func<long, StoredEvent?> readEvent)
    {
        using var command = connection.CreateCommand();
        // Events without a user are kept under '' in users; the exact comparison keeps "Alice" apart from "alice".
        var userCondition = row.Summary.User is null ? "e.user IS NULL" : "e.user = $user COLLATE NOCASE AND e.user = $user";
        command.CommandText = $"""
            SELECT e.level, e.machine, e.app, e.version, count(*) FROM events e
            WHERE {userCondition} AND e.id >= $from_id AND e.id < $to_id AND e.ts >= $from AND e.ts <= $to
            GROUP BY e.level, e.machine, e.app, e.version
            """;
        command.Parameters.AddWithValue("$user", row.Summary.User ?? string.Empty);
        command.Parameters.AddWithValue("$from_id", SqliteEventIds.First(query.WindowFrom));
        command.Parameters.AddWithValue("$to_id", SqliteEventIds.After(query.WindowTo, spillMilliseconds));
        command.Parameters.AddWithValue("$from", query.WindowFrom.UtcTicks);
        command.Parameters.AddWithValue("$to", query.WindowTo.UtcTicks);
        var tally = new UserWindowTally();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                tally.Add(reader.GetInt32(0), StoredRows.NullableString(reader, 1), StoredRows.NullableString(reader, 2), StoredRows.NullableString(reader, 3), reader.GetInt64(4));
            }
        }

        return tally.Complete(row.Summary, row.LatestErrorId is { } id ? readEvent(id) : null);
    }

    /// <summary>A row of the users table: the summary without the window, the latest error's id, the sort key.</summary>
    internal sealed record UserRow(UserSummary Summary, long? LatestErrorId, long SortKey);
}
