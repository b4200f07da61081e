using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>The support console's reads (issue 10): one event, its context by sequence, the users list; from the read replica when there is one.</summary>
internal sealed partial class PostgresEventStore
{
    private const string SelectEvents = "SELECT " + PostgresQueryBuilder.SelectColumns + " FROM events e ";

    public async Task<StoredEvent?> GetEventAsync(long id, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, id, cancellationToken);
    }

    public async Task<EventContext?> GetContextAsync(long id, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        if (await ReadOneAsync(connection, id, cancellationToken) is not { } stored)
        {
            return null;
        }

        if (stored.InstanceId is not { } instance || stored.Sequence is not { } sequence)
        {
            return new EventContext([], stored, []);
        }

        async Task<List<StoredEvent>> SideAsync(string comparison, string order)
        {
            await using var command = new NpgsqlCommand(
                SelectEvents + $"WHERE e.instance_id = @instance AND e.sequence {comparison} @sequence ORDER BY e.sequence {order} LIMIT @count", connection);
            command.Parameters.AddWithValue("instance", instance);
            command.Parameters.AddWithValue("sequence", sequence);
            command.Parameters.AddWithValue("count", count);
            return await ReadAllAsync(command, cancellationToken);
        }

        var before = await SideAsync("<", "DESC");
        before.Reverse();
        return new EventContext(before, stored, await SideAsync(">", "ASC"));
    }

    public async Task<UserPage> GetUsersAsync(UserQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        // The same order as SQLite's: byte order of names (COLLATE "C"), keyset on (key, name).
        var key = query.Sort switch
        {
            UserSort.LatestError => "coalesce(last_error_ts, -1)",
            UserSort.Name => "0::bigint",
            _ => "last_seen",
        };
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        if (query.Search is { Length: > 0 } search)
        {
            where.Add("lower(user_name) LIKE @search");
            command.Parameters.AddWithValue("search", "%" + PostgresQueryBuilder.EscapeLike(search.ToLowerInvariant()) + "%");
        }

        if (query.After is { } after)
        {
            where.Add(query.Sort == UserSort.Name ? "user_name COLLATE \"C\" > @user" : $"({key}, user_name COLLATE \"C\") < (@key, @user COLLATE \"C\")");
            command.Parameters.AddWithValue("key", after.Key);
            command.Parameters.AddWithValue("user", after.User);
        }

        var order = query.Sort == UserSort.Name ? "user_name COLLATE \"C\"" : $"{key} DESC, user_name COLLATE \"C\" DESC";
        command.CommandText = $"""
            SELECT user_name, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5, last_error_id, {key}
            FROM users {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)}
            ORDER BY {order} LIMIT @limit
            """;
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        var rows = new List<(UserSummary Summary, long? ErrorId, long Key)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((StoredRows.ReadUser(reader), reader.IsDBNull(12) ? null : reader.GetInt64(12), reader.GetInt64(13)));
            }
        }

        var users = new List<UserSummary>(Math.Min(rows.Count, query.Limit));
        foreach (var (summary, errorId, _) in rows.Take(query.Limit))
        {
            users.Add(await CompleteAsync(connection, summary, errorId, query, cancellationToken));
        }

        UserCursor? next = rows.Count > query.Limit
            ? new UserCursor(query.Sort == UserSort.Name ? 0 : rows[query.Limit - 1].Key, rows[query.Limit - 1].Summary.User ?? string.Empty)
            : null;
        return new UserPage(users, next);
    }

    private static async Task<UserSummary> CompleteAsync(NpgsqlConnection connection, UserSummary summary, long? errorId, UserQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT e.level, e.machine, e.app, e.version, count(*) FROM events e
            WHERE {(summary.User is null ? "e.user_name IS NULL" : "lower(e.user_name) = lower(@user) AND e.user_name = @user")}
              AND e.id >= @from_id AND e.id < @to_id AND e.ts >= @from AND e.ts <= @to
            GROUP BY e.level, e.machine, e.app, e.version
            """,
            connection);
        command.Parameters.AddWithValue("user", summary.User ?? string.Empty);
        command.Parameters.AddWithValue("from_id", SqliteEventIds.First(query.WindowFrom));
        command.Parameters.AddWithValue("to_id", SqliteEventIds.After(query.WindowTo));
        command.Parameters.AddWithValue("from", query.WindowFrom.UtcTicks);
        command.Parameters.AddWithValue("to", query.WindowTo.UtcTicks);
        var tally = new UserWindowTally();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tally.Add(reader.GetInt16(0), StoredRows.NullableString(reader, 1), StoredRows.NullableString(reader, 2), StoredRows.NullableString(reader, 3), reader.GetInt64(4));
            }
        }

        return tally.Complete(summary, errorId is { } id ? await ReadOneAsync(connection, id, cancellationToken) : null);
    }

    private static async Task<StoredEvent?> ReadOneAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
    {
        // The id holds its millisecond, hence its day: one partition is read.
        await using var command = new NpgsqlCommand(SelectEvents + "WHERE e.id = @id AND e.day = @day", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("day", PostgresPartitions.Day(id >> SqliteEventIds.CounterBits));
        return await ReadAllAsync(command, cancellationToken) is [var stored] ? stored : null;
    }

    private static async Task<List<StoredEvent>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(StoredRows.ReadEvent(reader));
        }

        return events;
    }
}
