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
            return await ContextByTimeAsync(connection, stored, count, cancellationToken);
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

    /// <summary>
    /// The context of an event without an instance and a sequence (<see cref="EventContext.ByTime"/>): the events of its
    /// app and machine (and user, when it has one) nearest it by (day, id), the list's order, within the window's days
    /// and ids: a range of ix_events_user_lower (lower(user_name), day, id), ix_events_machine or ix_events_app (name, day, id) in
    /// those partitions.
    /// </summary>
    private static async Task<EventContext> ContextByTimeAsync(NpgsqlConnection connection, StoredEvent stored, int count, CancellationToken cancellationToken)
    {
        var (from, to) = EventContext.TimeBounds(stored);
        async Task<List<StoredEvent>> SideAsync(string comparison, string bound, long boundId, string order)
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            var where = new List<string>(8);
            foreach (var (column, value) in (ReadOnlySpan<(string, string?)>)[("app", stored.App), ("machine", stored.Machine)])
            {
                where.Add(value is null ? $"e.{column} IS NULL" : $"e.{column} = @{column}");
                if (value is not null)
                {
                    command.Parameters.AddWithValue(column, value);
                }
            }

            if (stored.User is { } user)
            {
                // In any case, as the user= filter matches (PostgresQueryBuilder): a range of ix_events_user_lower.
                where.Add("lower(e.user_name) = lower(@user)");
                command.Parameters.AddWithValue("user", user);
            }

            var (first, last) = comparison == "<" ? (boundId, stored.Id) : (stored.Id, boundId);
            where.Add($"e.id {comparison} @id AND e.id {bound} @bound AND e.day >= @first_day AND e.day <= @last_day");
            command.Parameters.AddWithValue("id", stored.Id);
            command.Parameters.AddWithValue("bound", boundId);
            command.Parameters.AddWithValue("first_day", PostgresPartitions.Day(first >> SqliteEventIds.CounterBits));
            command.Parameters.AddWithValue("last_day", PostgresPartitions.Day(last >> SqliteEventIds.CounterBits));
            command.Parameters.AddWithValue("count", count);
            command.CommandText = SelectEvents + $"WHERE {string.Join(" AND ", where)} ORDER BY e.day {order}, e.id {order} LIMIT @count";
            return await ReadAllAsync(command, cancellationToken);
        }

        var before = await SideAsync("<", ">=", from, "DESC");
        before.Reverse();
        return new EventContext(before, stored, await SideAsync(">", "<", to, "ASC"), ByTime: true);
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
        var words = query.SearchWords;
        for (var i = 0; i < words.Length; i++)
        {
            where.Add($"lower(user_name) LIKE @search{i}");
            command.Parameters.AddWithValue($"search{i}", "%" + PostgresQueryBuilder.EscapeLike(PostgresText.WithoutNul(words[i]).ToLowerInvariant()) + "%");
        }

        if (query.After is { } after)
        {
            where.Add(query.Sort == UserSort.Name ? "user_name COLLATE \"C\" > @user" : $"({key}, user_name COLLATE \"C\") < (@key, @user COLLATE \"C\")");
            command.Parameters.AddWithValue("key", after.Key);
            command.Parameters.AddWithValue("user", PostgresText.WithoutNul(after.User));
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

        var page = rows.Take(query.Limit).ToList();
        var tallies = await TallyAsync(connection, new UserPageTallies(page.Select(r => r.Summary.User)), query, cancellationToken);
        var errors = await ReadManyAsync(connection, [.. page.Where(r => r.ErrorId is not null).Select(r => r.ErrorId!.Value)], cancellationToken);
        var users = page.Select(r => tallies.Complete(r.Summary, r.ErrorId is { } id ? errors.GetValueOrDefault(id) : null)).ToList();
        UserCursor? next = rows.Count > query.Limit
            ? new UserCursor(query.Sort == UserSort.Name ? 0 : rows[query.Limit - 1].Key, rows[query.Limit - 1].Summary.User ?? string.Empty)
            : null;
        return new UserPage(users, next);
    }

    /// <summary>
    /// The page's window counts, machines and versions: one grouped statement for the whole page, an index range of
    /// ix_events_user_lower (lower(user_name), day, id) per user within the window's days (only those partitions).
    /// </summary>
    private static async Task<UserPageTallies> TallyAsync(NpgsqlConnection connection, UserPageTallies tallies, UserQuery query, CancellationToken cancellationToken)
    {
        // lower() by PostgreSQL itself, as the index has it (an init plan: one array for the whole scan).
        const string Window = "e.day >= @from_day AND e.day <= @to_day AND e.id >= @from_id AND e.id < @to_id AND e.ts >= @from AND e.ts <= @to";
        var parts = new List<string>(2);
        if (tallies.Names.Count > 0)
        {
            parts.Add($"SELECT e.user_name, e.level, e.machine, e.app, e.version, count(*) FROM events e WHERE lower(e.user_name) = ANY(ARRAY(SELECT lower(u) FROM unnest(@users) u)) AND e.user_name = ANY(@users) AND {Window} GROUP BY 1, 2, 3, 4, 5");
        }

        if (tallies.HasWithoutUser)
        {
            parts.Add($"SELECT NULL, e.level, e.machine, e.app, e.version, count(*) FROM events e WHERE e.user_name IS NULL AND {Window} GROUP BY 2, 3, 4, 5");
        }

        if (parts.Count == 0)
        {
            return tallies;
        }

        await using var command = new NpgsqlCommand(string.Join(" UNION ALL ", parts), connection);
        if (tallies.Names.Count > 0)
        {
            command.Parameters.AddWithValue("users", tallies.Names.ToArray());
        }

        command.Parameters.AddWithValue("from_day", PostgresPartitions.Day(SqliteEventIds.Milliseconds(query.WindowFrom)));
        command.Parameters.AddWithValue("to_day", PostgresPartitions.Day(SqliteEventIds.Milliseconds(query.WindowTo)));
        command.Parameters.AddWithValue("from_id", SqliteEventIds.First(query.WindowFrom));
        command.Parameters.AddWithValue("to_id", SqliteEventIds.After(query.WindowTo));
        command.Parameters.AddWithValue("from", query.WindowFrom.UtcTicks);
        command.Parameters.AddWithValue("to", query.WindowTo.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tallies.Add(StoredRows.NullableString(reader, 0), reader.GetInt16(1), StoredRows.NullableString(reader, 2), StoredRows.NullableString(reader, 3), StoredRows.NullableString(reader, 4), reader.GetInt64(5));
        }

        return tallies;
    }

    /// <summary>Reads events by id in one statement; each id names its day, so only those partitions are read.</summary>
    private static async Task<Dictionary<long, StoredEvent>> ReadManyAsync(NpgsqlConnection connection, long[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(SelectEvents + "WHERE e.id = ANY(@ids) AND e.day = ANY(@days)", connection);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("days", ids.Select(id => PostgresPartitions.Day(id >> SqliteEventIds.CounterBits)).Distinct().ToArray());
        return (await ReadAllAsync(command, cancellationToken)).ToDictionary(e => e.Id);
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
