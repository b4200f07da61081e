using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Queries, on pooled connections (a read replica can serve them: nothing here writes).</summary>
internal sealed partial class PostgresEventStore
{
    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.Build(command, query);
        var events = new List<StoredEvent>(Math.Min(query.Limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(StoredRows.ReadEvent(reader));
            }
        }

        return EventPage.FromOneMore(events, query.Limit);
    }

    public async Task<IReadOnlyList<UserSummary>> GetUsersAsync(int limit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT user_name, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5
            FROM users ORDER BY last_seen DESC, user_name LIMIT @limit
            """,
            connection);
        command.Parameters.AddWithValue("limit", limit);
        var users = new List<UserSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(StoredRows.ReadUser(reader));
        }

        return users;
    }
}
