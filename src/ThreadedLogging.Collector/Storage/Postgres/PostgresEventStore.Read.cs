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
/// (<see cref="ReadNewestAsync"/>): a search of common words that finds nothing no longer reads every row.
/// The other queries need no walk: their indexes end in (day, id), which lets PostgreSQL itself read the
/// partitions newest first and stop at the limit.
/// </remarks>
internal sealed partial class PostgresEventStore
{
    /// <summary>
    /// How many of a window's newest rows a search checks one by one, per event it still needs, before it takes the
    /// window's matches from the full-text index instead (<see cref="ReadNewestAsync"/>): below one match in 20 rows
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
        var windows = new List<((int? From, int? To) Days, int Start, int Count)> { ((older.Count == 0 ? null : today, null), 0, 0) };
        var until = today - 1;
        for (int next = 0, width = 1; next < older.Count; next += width, width *= 2)
        {
            int? from = next + width >= older.Count ? null : older[next + width - 1];
            windows.Add(((from, until), next, Math.Min(width, older.Count - next)));
            until = from.GetValueOrDefault() - 1;
        }

        long? below = null; // once the search proved rare: the ids below which the rest is read from the index, a day at a time
        foreach (var (days, start, count) in windows)
        {
            if (events.Count > query.Limit)
            {
                break;
            }

            if (RowsCheckedPerMatch == 0)
            {
                await ReadPageAsync(connection, query, days, query.Limit + 1 - events.Count, events, cancellationToken);
                continue;
            }

            if (below is null)
            {
                var bound = await ReadNewestAsync(connection, query, days, query.Limit + 1 - events.Count, events, cancellationToken);
                if (events.Count > query.Limit || bound is null)
                {
                    continue; // the page is full, or the window had no more rows than were read
                }

                below = bound;
            }

            // The window's days newest first, each read from the index (today and after is one piece); each day's
            // range reaches up to where the newer one began, so that no day between partitions is left out.
            for (var i = start; (i < start + count || (count == 0 && i == start)) && events.Count <= query.Limit; i++)
            {
                (int? From, int? To) day = count == 0 ? days : (i == older.Count - 1 ? null : older[i], i == start ? days.To : older[i - 1] - 1);
                await ReadMatchesFirstAsync(connection, query, day, query.Limit + 1 - events.Count, below, events, cancellationToken);
            }
        }

        return EventPage.FromOneMore(events, query.Limit);
    }

    /// <summary>
    /// The newest matches of a search within <paramref name="days"/>, up to <paramref name="limit"/>, read newest first
    /// through the window's newest <see cref="RowsCheckedPerMatch"/> rows per event needed only; returns the lowest id
    /// read (null when the window had no more rows: all were read). PostgreSQL plans a search with a limit as a read of
    /// the newest rows, each checked, when it expects the limit soon reached — and it takes words as independent: two
    /// common words that are never together (or a word and the exclusion of one always beside it) had each day read
    /// whole, ~100 ms a day of 33,000 events, to find nothing. When the newest rows hold too few matches the search is
    /// rare: the rest comes from the full-text index a day at a time, each day's matches found first and then sorted
    /// (<see cref="PostgresQueryBuilder.BuildMatchesFirst"/>): a day's matches at most, not a window's.
    /// </summary>
    private async Task<long?> ReadNewestAsync(NpgsqlConnection connection, EventQuery query, (int? From, int? To) days, int limit, List<StoredEvent> events, CancellationToken cancellationToken)
    {
        long? bound = null;
        await using var command = connection.CreateCommand();
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

        return bound;
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
