using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Queries, on pooled connections of the read replica when there is one (nothing here writes).</summary>
/// <remarks>
/// A full-text search without a user, instance, trace or ids walks the days newest first: today and after, then the
/// next older day, the next two, four, ... until the page is full. Each step bounds <c>day</c> by constants, so
/// PostgreSQL plans only those partitions, with their own statistics (a bitmap over the GIN index of one day
/// and a sort of its matches, or that day's newest rows filtered), instead of one plan over every partition:
/// the matches of a rare word are no longer fetched and sorted from all thirty days to return the newest 100.
/// The other queries need no walk: their indexes end in (day, id), which lets PostgreSQL itself read the
/// partitions newest first and stop at the limit.
/// </remarks>
internal sealed partial class PostgresEventStore
{
    private const string AttachedDays = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass AND NOT i.inhdetachpending";

    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Ids are the live stream's just-committed events: a replica a few milliseconds behind would not have
        // them yet, and an id it does not return is taken as filtered out, never sent. Those few lookups by
        // key read where the events were written.
        await using var connection = await (query.Ids is null ? _reads : dataSource).OpenConnectionAsync(cancellationToken);
        var events = new List<StoredEvent>(Math.Min(query.Limit + 1, 1024));
        if (!query.HasText || query.User is not null || query.InstanceId is not null || query.TraceId is not null || query.Ids is not null)
        {
            await ReadPageAsync(connection, query, default, query.Limit + 1, events, cancellationToken);
            return EventPage.FromOneMore(events, query.Limit);
        }

        var today = PostgresPartitions.Day(SqliteEventIds.Milliseconds(time.GetUtcNow()));
        var last = PostgresQueryBuilder.LastDay(query);
        var first = PostgresQueryBuilder.FirstDay(query);
        var older = (await DaysAsync(connection, cancellationToken)).Where(d => d < today && d <= last.GetValueOrDefault(int.MaxValue) && d >= first.GetValueOrDefault(int.MinValue)).OrderDescending().ToList();

        // Today and after (unbounded above: a partition of a later day may appear meanwhile), then older days in
        // windows of 1, 2, 4, ... partitions; each window ends where the previous one began (no gap), the last one
        // is unbounded below.
        await ReadPageAsync(connection, query, (older.Count == 0 ? null : today, null), query.Limit + 1, events, cancellationToken);
        var until = today - 1;
        for (int next = 0, width = 1; next < older.Count && events.Count <= query.Limit; next += width, width *= 2)
        {
            int? from = next + width >= older.Count ? null : older[next + width - 1];
            await ReadPageAsync(connection, query, (from, until), query.Limit + 1 - events.Count, events, cancellationToken);
            until = from.GetValueOrDefault() - 1;
        }

        return EventPage.FromOneMore(events, query.Limit);
    }

    private static async Task ReadPageAsync(NpgsqlConnection connection, EventQuery query, (int? From, int? To) days, int limit, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.Build(command, query, days, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(StoredRows.ReadEvent(reader));
        }
    }

    /// <summary>The days of the attached partitions.</summary>
    private static async Task<List<int>> DaysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AttachedDays, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var days = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (PostgresPartitions.DayOf(reader.GetString(0)) is { } day)
            {
                days.Add(day);
            }
        }

        return days;
    }
}
