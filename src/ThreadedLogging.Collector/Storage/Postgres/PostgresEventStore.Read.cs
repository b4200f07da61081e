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
/// Within a window a search reads the newest rows one by one only up to a bound, then the index
/// (<see cref="SearchWindowAsync"/>): a search of common words that finds nothing no longer reads every row.
/// The other queries need no walk: their indexes end in (day, id), which lets PostgreSQL itself read the
/// partitions newest first and stop at the limit.
/// </remarks>
internal sealed partial class PostgresEventStore
{
    /// <summary>
    /// How many of a window's newest rows a search checks one by one, per event it still needs, before it takes the
    /// window's matches from the full-text index instead (<see cref="SearchWindowAsync"/>): below one match in 20 rows
    /// the index is the cheaper read (2,020 rows for a page of 100). Lowered by tests to reach the index with a few events;
    /// 0 reads newest first only, as before (the benchmark's "before").
    /// </summary>
    internal int RowsCheckedPerMatch { get; init; } = 20;

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
        var rare = await SearchWindowAsync(connection, query, (older.Count == 0 ? null : today, null), query.Limit + 1, events, rare: false, cancellationToken);
        var until = today - 1;
        for (int next = 0, width = 1; next < older.Count && events.Count <= query.Limit; next += width, width *= 2)
        {
            int? from = next + width >= older.Count ? null : older[next + width - 1];
            rare = await SearchWindowAsync(connection, query, (from, until), query.Limit + 1 - events.Count, events, rare, cancellationToken);
            until = from.GetValueOrDefault() - 1;
        }

        return EventPage.FromOneMore(events, query.Limit);
    }

    /// <summary>
    /// The newest <paramref name="limit"/> matches of a search within <paramref name="days"/>; true when the search
    /// proved rare (a window of more rows than it checks one by one held fewer matches than needed), so that the next
    /// windows are read from the full-text index at once (<paramref name="rare"/>).
    /// PostgreSQL plans a search with a limit as a read of the newest rows, each checked, when it expects the limit soon
    /// reached — and it takes words as independent: two common words that are never together (or a word and the
    /// exclusion of one always beside it) had each day read whole, ~100 ms a day of 33,000 events, to find nothing. So
    /// the newest-first read stops at the window's newest <see cref="RowsCheckedPerMatch"/> rows per event needed; when
    /// they hold too few matches, the rest of the window's matches come from the full-text index, found first and then
    /// sorted (<see cref="PostgresQueryBuilder.BuildMatchesFirst"/>): one statement more, only for such searches.
    /// </summary>
    private async Task<bool> SearchWindowAsync(NpgsqlConnection connection, EventQuery query, (int? From, int? To) days, int limit, List<StoredEvent> events, bool rare, CancellationToken cancellationToken)
    {
        if (RowsCheckedPerMatch == 0)
        {
            await ReadPageAsync(connection, query, days, limit, events, cancellationToken);
            return false;
        }

        if (rare)
        {
            await ReadMatchesFirstAsync(connection, query, days, limit, null, events, cancellationToken);
            return true;
        }

        var found = events.Count;
        long? bound = null;
        await using (var command = connection.CreateCommand())
        {
            PostgresQueryBuilder.BuildNewest(command, query, days, limit, RowsCheckedPerMatch * limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var boundColumn = reader.FieldCount - 1;
            while (await reader.ReadAsync(cancellationToken))
            {
                bound = reader.IsDBNull(boundColumn) ? null : reader.GetInt64(boundColumn);
                if (!reader.IsDBNull(0))
                {
                    events.Add(StoredRows.ReadEvent(reader));
                }
            }
        }

        if (events.Count - found >= limit || bound is not { } below)
        {
            return false; // the page is full, or the window had no more rows than were read
        }

        await ReadMatchesFirstAsync(connection, query, days, limit - (events.Count - found), below, events, cancellationToken);
        return true;
    }

    private static async Task ReadMatchesFirstAsync(NpgsqlConnection connection, EventQuery query, (int? From, int? To) days, int limit, long? below, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.BuildMatchesFirst(command, query, days, limit, below);
        await ReadRowsAsync(command, events, cancellationToken);
    }

    private static async Task ReadPageAsync(NpgsqlConnection connection, EventQuery query, (int? From, int? To) days, int limit, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.Build(command, query, days, limit);
        await ReadRowsAsync(command, events, cancellationToken);
    }

    private static async Task ReadRowsAsync(NpgsqlCommand command, List<StoredEvent> events, CancellationToken cancellationToken)
    {
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
