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
}
