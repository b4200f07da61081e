using Npgsql;
using NpgsqlTypes;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// <see cref="IEventStore"/> on PostgreSQL: one transaction per request on a pooled connection (the pool,
/// not a writer loop, is the concurrency; several collectors write the same database). A batch goes in
/// by binary <c>COPY</c> into a temporary table, then one statement moves it into <c>events</c> (skipping
/// known (instance, sequence)) and adds the stored events to <c>users</c>.
/// </summary>
/// <remarks>
/// Exactly once across collectors: the batch key is inserted first, in the batch's transaction. A second
/// collector given the same batch (a client retrying after the first one died unanswered, an SQS message
/// redelivered) blocks on that key until the first transaction ends: committed, it answers "duplicate";
/// rolled back (the first collector died before its commit), it stores the batch itself.
/// Ids are <c>(unix ms &lt;&lt; 20) | counter</c> as in SQLite (<see cref="SqliteEventIds"/>), the counter from a
/// sequence shared by the collectors; two events get the same id only if their counters are 2^20 apart
/// within one millisecond, and then the primary key refuses the batch and it is retried with new counters, each attempt
/// <see cref="CounterStride"/> further (a run of a millisecond's ids met once is not met again); after
/// <see cref="MaxAttempts"/> the batch is refused 503, retry later: ids never collide, and two ids alike are never a
/// duplicate (exactly once is the batch key's and (instance, sequence)'s), so nothing is skipped for them.
/// Reads (queries, one event, its context, the users) go to <paramref name="readSource"/> when one is given
/// (<c>ConnectionStrings:EventsRead</c>, a read replica); writes, the schema, retention and the live stream's
/// lookups of just-committed ids stay on <paramref name="dataSource"/>.
/// </remarks>
/// <param name="dataSource">The database the collectors write (<c>ConnectionStrings:Events</c>).</param>
/// <param name="time">The clock of ingest times and partitions.</param>
/// <param name="logger">Where the store reports opening.</param>
/// <param name="readSource">A replica of it that serves reads, or null to read where it writes.</param>
/// <param name="removedForAge">Told the events of a batch left out because retention is removing their day (<see cref="CollectorMetrics.Retained"/>).</param>
internal sealed partial class PostgresEventStore(
    NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresEventStore> logger, NpgsqlDataSource? readSource = null, Action<RetentionReason, long>? removedForAge = null)
    : IEventStore, IEventRetention, IUserErasure
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// How far apart in the counter's 2^20 values each attempt after two ids alike takes its counters (a fifth of them):
    /// the ids a millisecond holds are runs of consecutive counters, and the next attempt's counters followed the last
    /// ones, so a batch that met a long run met it again at each attempt (a 500 after the fifth).
    /// </summary>
    internal const int CounterStride = (1 << SqliteEventIds.CounterBits) / MaxAttempts;

    private const string Staging = """
        CREATE TEMP TABLE IF NOT EXISTS staging (
            ms bigint, day integer, ts bigint, level smallint, category text, message text, template text,
            exception text, properties text, context text, app text, version text, user_name text, machine text,
            path text, instance_id text, sequence bigint, trace_id text
        ) ON COMMIT DELETE ROWS
        """;

    private const string Copy = "COPY staging (ms, day, ts, level, category, message, template, exception, properties, context, app, version, user_name, machine, path, instance_id, sequence, trace_id) FROM STDIN (FORMAT BINARY)";

    private const string MoveStaged = """
        WITH ins AS (
            INSERT INTO events (id, day, ts, level, category, message, template, exception, properties, context,
                                app, version, user_name, machine, path, instance_id, sequence, received, trace_id)
            SELECT (s.ms << 20) | ((nextval('event_counter') + @counter_offset) & 1048575), s.day, s.ts, s.level, s.category, s.message,
                   s.template, s.exception, s.properties, s.context, s.app, s.version, s.user_name, s.machine, s.path,
                   s.instance_id, s.sequence, @received, s.trace_id
            FROM staging s
            ON CONFLICT (instance_id, sequence, day) DO NOTHING
            RETURNING id, user_name, ts, level, app, machine
        ), tally AS (
            SELECT coalesce(user_name, '') AS user_name, min(ts) AS first_seen, max(ts) AS last_seen,
                   (array_agg(app ORDER BY ts DESC))[1] AS last_app, (array_agg(machine ORDER BY ts DESC))[1] AS last_machine,
                   count(*) AS total,
                   count(*) FILTER (WHERE level <= 0) AS n0, count(*) FILTER (WHERE level = 1) AS n1,
                   count(*) FILTER (WHERE level = 2) AS n2, count(*) FILTER (WHERE level = 3) AS n3,
                   count(*) FILTER (WHERE level = 4) AS n4, count(*) FILTER (WHERE level >= 5) AS n5,
                   (array_agg(id ORDER BY ts DESC, id DESC) FILTER (WHERE level >= 4))[1] AS last_error_id,
                   max(ts) FILTER (WHERE level >= 4) AS last_error_ts
            FROM ins GROUP BY 1
        ), upserted AS (
            -- In name order: two collectors updating the same users lock them in the same order (no deadlock).
            INSERT INTO users AS u (user_name, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5, last_error_id, last_error_ts)
            SELECT * FROM tally ORDER BY user_name
            ON CONFLICT (user_name) DO UPDATE SET
                last_error_id = CASE WHEN excluded.last_error_ts >= coalesce(u.last_error_ts, -1) THEN excluded.last_error_id ELSE u.last_error_id END,
                last_error_ts = CASE WHEN excluded.last_error_ts >= coalesce(u.last_error_ts, -1) THEN excluded.last_error_ts ELSE u.last_error_ts END,
                first_seen   = least(u.first_seen, excluded.first_seen),
                last_app     = CASE WHEN excluded.last_seen >= u.last_seen THEN excluded.last_app ELSE u.last_app END,
                last_machine = CASE WHEN excluded.last_seen >= u.last_seen THEN excluded.last_machine ELSE u.last_machine END,
                last_seen    = greatest(u.last_seen, excluded.last_seen),
                total = u.total + excluded.total,
                n0 = u.n0 + excluded.n0, n1 = u.n1 + excluded.n1, n2 = u.n2 + excluded.n2,
                n3 = u.n3 + excluded.n3, n4 = u.n4 + excluded.n4, n5 = u.n5 + excluded.n5
            RETURNING 1
        )
        SELECT coalesce((SELECT sum(total) FROM tally), 0)::integer, coalesce((SELECT array_agg(id ORDER BY id) FROM ins), '{}')
        """;

    private readonly PostgresPartitions _partitions = new(dataSource);
    private readonly NpgsqlDataSource _reads = readSource ?? dataSource;
    private volatile bool _ready;
    private volatile bool _disposed;

    public bool IsReady => _ready && !_disposed;

    public EventCommitFeed Commits { get; } = new();

    internal PostgresPartitions Partitions => _partitions;

    /// <summary>Gets where the store is, without the password: <c>postgresql://user@host:port/database</c>.</summary>
    public string Target => TargetOf(dataSource);

    /// <summary>Gets where reads go, as <see cref="Target"/> (the same when there is no read replica).</summary>
    public string ReadTarget => TargetOf(_reads);

    /// <exception cref="CollectorConfigurationException">The database refuses the credentials or names no database (the message names the setting).</exception>
    /// <exception cref="CollectorUnavailableException">The database cannot be reached now (refused, no answer, starting up).</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                await PostgresSchema.EnsureAsync(connection, cancellationToken);
            }

            await _partitions.EnsureAsync(DaysAround(time.GetUtcNow()), cancellationToken);
        }
        catch (Exception e) when (PostgresAvailability.IsUnreachable(e))
        {
            throw new CollectorUnavailableException($"PostgreSQL ({Target}, {PostgresStorageExtensions.ConnectionStringKey}) cannot be reached now: {e.Message}; restarting may help (exit code 3)", e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new CollectorConfigurationException($"Cannot open the PostgreSQL store given by {PostgresStorageExtensions.ConnectionStringKey} ({Target}): {e.Message}", e);
        }

        if (!ReferenceEquals(_reads, dataSource))
        {
            await PostgresReadReplica.CheckAsync(_reads, time, cancellationToken);
        }

        await WarmUpAsync(cancellationToken);
        _ready = true;
        CollectorLog.StoreOpened(logger, ReadTarget == Target ? Target : $"{Target} (reads from {ReadTarget})");
    }

    public async Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var events = batch.Events;
        var leftOut = new SortedSet<int>(); // the days retention is detaching, whose rows are left out
        var rows = new (long Ms, int Day)[events.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var ms = Math.Clamp(SqliteEventIds.Milliseconds(events[i].Timestamp), 0, SqliteEventIds.MaxMilliseconds);
            rows[i] = (ms, PostgresPartitions.Day(ms));
        }

        var idsAlike = 0; // attempts refused by the primary key: each next one takes its counters a CounterStride further
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _partitions.EnsureAsync(rows.Select(r => r.Day), cancellationToken);
                if (await AppendOnceAsync(batch, events, rows, idsAlike * CounterStride, cancellationToken) is { } result)
                {
                    var removed = batch.Events.Count - events.Count;
                    if (removed > 0 && !result.Duplicate)
                    {
                        // Counted once committed, as retention counts each committed deletion.
                        removedForAge?.Invoke(RetentionReason.Age, removed);
                        CollectorLog.LateEventsRemovedForAge(logger, removed, batch.Events.Count, string.Join(", ", leftOut.Select(d => $"{PostgresPartitions.Date(d):yyyy-MM-dd}")));
                        return result with { RemovedForAge = removed };
                    }

                    return result;
                }

                // The batch key it met was removed (by retention: past MaxAge) before its answer was read: the batch is new
                // again, as it would have been a moment later, and the next attempt claims it. A key claimed now is not
                // retention's to remove (unless a collector that claims it has a clock behind by more than MaxAge): bounded
                // as the other races are; after that the client sends the batch again later (503).
                if (attempt >= MaxAttempts)
                {
                    throw IngestRejectedException.RetryLater($"the batch key was removed by retention as its answer was read, at each of {MaxAttempts} attempts; retry later");
                }
            }
            catch (PostgresException e) when (IsRetriedHere(e) && (attempt < MaxAttempts || IsNoPartition(e) || IsIdsAlike(e)))
            {
                // A partition dropped by another collector's retention, two ids alike, or a deadlock: nothing
                // was committed; try again (with partitions looked up afresh and new counters).
                if (IsNoPartition(e) && await DetachingDaysAsync(rows, cancellationToken) is { Count: > 0 } detaching)
                {
                    // Retention is detaching those days (CONCURRENTLY: it waits for older transactions, for as long as they
                    // run): they are past MaxAge. Until a day is dropped no row can go into it, nor can it be made again. Its
                    // rows are left out, as retention would have removed them a moment later (counted as removed for age
                    // once the rest is committed); the rest of the batch is stored, its key claimed as for any batch, so a
                    // batch of those days alone is acknowledged too (a 503 held every event of the batch, current ones
                    // included, for as long as the detach waited).
                    leftOut.UnionWith(detaching);
                    var kept = Enumerable.Range(0, rows.Length).Where(i => !detaching.Contains(rows[i].Day)).ToArray();
                    events = [.. kept.Select(i => events[i])];
                    rows = [.. kept.Select(i => rows[i])];

                    // Not a failed attempt: the next one is the batch without those days. Once per day of the batch at
                    // most (each time its days are fewer); counted as one, a batch that met it at its last attempt was a
                    // 500 (the check violation escaped), and earlier ones left fewer attempts to the other races.
                    attempt--;
                }
                else if (IsIdsAlike(e))
                {
                    // Never a duplicate: an id is a counter, not the event's; exactly once is the batch key's and
                    // (instance, sequence)'s. Tried again with fresh ids; after the last attempt, the batch is good and
                    // the client sends it again later (before: the unique violation escaped, a 500).
                    idsAlike++;
                    if (attempt >= MaxAttempts)
                    {
                        throw IngestRejectedException.RetryLater($"the ids given to the batch's events were taken by events of the same millisecond at each of {MaxAttempts} attempts; retry later", e);
                    }
                }
                else if (attempt >= MaxAttempts)
                {
                    throw; // the last attempt, and no day of the batch is being detached: escapes as any other failure
                }

                _partitions.Forget();
            }
            catch (NpgsqlException e) when (IsUnavailable(e))
            {
                throw Unavailable(e);
            }
        }
    }

    /// <summary>
    /// The days of <paramref name="rows"/> that retention is detaching: asked from a catch of the attempt, whose sibling catch
    /// does not see what this throws, so a lost connection is made "unavailable" here.
    /// </summary>
    private async Task<IReadOnlySet<int>> DetachingDaysAsync((long Ms, int Day)[] rows, CancellationToken cancellationToken)
    {
        try
        {
            return await _partitions.DetachingAsync(rows.Select(r => r.Day), cancellationToken);
        }
        catch (NpgsqlException e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    private static EventStoreUnavailableException Unavailable(NpgsqlException e) =>
        new($"PostgreSQL is unavailable: {e.Message}", e) { FailureReason = FailureReason(e) };

    /// <summary>What <c>/health</c>, open to anyone, says of a refused write: the SQLSTATE, never the server's address or message.</summary>
    private static string FailureReason(NpgsqlException e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } => "PostgreSQL's disk is full (SQLSTATE 53100)",
        PostgresException postgres => $"PostgreSQL cannot take writes (SQLSTATE {postgres.SqlState})",
        _ => "PostgreSQL cannot be reached",
    };

    /// <summary>
    /// One attempt in one transaction: <paramref name="batch"/>'s key claimed for all its events, <paramref name="events"/> (those
    /// of it not left out) stored; null when the batch key it met was gone before its answer was read.
    /// </summary>
    private async Task<AppendResult?> AppendOnceAsync(EventBatch batch, IReadOnlyList<NewEvent> events, (long Ms, int Day)[] rows, int counterOffset, CancellationToken cancellationToken)
    {
        var received = time.GetUtcNow().UtcTicks;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        if (batch.BatchKey is { } key)
        {
            await using var claim = new NpgsqlCommand("INSERT INTO batches (batch_key, accepted, received) VALUES (@key, @accepted, @received) ON CONFLICT (batch_key) DO NOTHING", connection, transaction);
            claim.Parameters.AddWithValue("key", key);
            claim.Parameters.AddWithValue("accepted", batch.Events.Count);
            claim.Parameters.AddWithValue("received", received);
            if (await claim.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                await using var find = new NpgsqlCommand("SELECT accepted FROM batches WHERE batch_key = @key", connection, transaction);
                find.Parameters.AddWithValue("key", key);
                // Another statement, another snapshot: retention may have deleted the key since the claim met it.
                return await find.ExecuteScalarAsync(CancellationToken.None) is int accepted
                    ? new AppendResult(accepted, 0, Duplicate: true)
                    : null;
            }
        }

        await using (var staging = new NpgsqlCommand(Staging, connection, transaction))
        {
            await staging.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(Copy, CancellationToken.None))
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var e = events[i];
                await writer.StartRowAsync(CancellationToken.None);
                await writer.WriteAsync(rows[i].Ms, NpgsqlDbType.Bigint, CancellationToken.None);
                await writer.WriteAsync(rows[i].Day, NpgsqlDbType.Integer, CancellationToken.None);
                await writer.WriteAsync(e.Timestamp.UtcTicks, NpgsqlDbType.Bigint, CancellationToken.None);
                await writer.WriteAsync((short)e.Level, NpgsqlDbType.Smallint, CancellationToken.None);
                foreach (var text in (string?[])[e.Category, e.Message, e.Template, e.ExceptionJson, e.PropertiesJson, e.ContextJson, e.App, e.Version, e.User, e.Machine, e.Path, e.InstanceId])
                {
                    await WriteTextAsync(writer, text);
                }

                if (e.Sequence is { } sequence)
                {
                    await writer.WriteAsync(sequence, NpgsqlDbType.Bigint, CancellationToken.None);
                }
                else
                {
                    await writer.WriteNullAsync(CancellationToken.None);
                }

                await WriteTextAsync(writer, e.TraceId);
            }

            await writer.CompleteAsync(CancellationToken.None);
        }

        int stored;
        long[] ids;
        await using (var move = new NpgsqlCommand(MoveStaged, connection, transaction))
        {
            move.Parameters.AddWithValue("received", received);
            move.Parameters.AddWithValue("counter_offset", (long)counterOffset);
            await using var reader = await move.ExecuteReaderAsync(CancellationToken.None);
            await reader.ReadAsync(CancellationToken.None);
            stored = reader.GetInt32(0);
            ids = reader.GetFieldValue<long[]>(1);
        }

        await transaction.CommitAsync(CancellationToken.None);
        // This collector's commits only: a live stream on another collector sees that one's.
        Commits.Publish(ids);
        return new AppendResult(batch.Events.Count, stored, Duplicate: false);
    }

    private static async Task WriteTextAsync(NpgsqlBinaryImporter writer, string? text)
    {
        if (text is null)
        {
            await writer.WriteNullAsync(CancellationToken.None);
        }
        else
        {
            // JSON escapes U+0000, a message may not.
            await writer.WriteAsync(PostgresText.WithoutNul(text), NpgsqlDbType.Text, CancellationToken.None);
        }
    }

    /// <summary>
    /// Where a data source points, without the password: <c>postgresql://user@host:port/database</c>. A Host holding a user
    /// part (<c>ops:secret@db</c>, pasted from a URL: Npgsql takes it for a name, which does not resolve) is shown masked
    /// as a proxy's address is (<c>***@db</c>).
    /// </summary>
    internal static string TargetOf(NpgsqlDataSource source)
    {
        var target = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        return $"postgresql://{target.Username}@{ProxyAddress.Masked(target.Host ?? string.Empty)}:{target.Port}/{target.Database}";
    }

    /// <summary>Today and the days ahead of it.</summary>
    internal static IEnumerable<int> DaysAround(DateTimeOffset now)
    {
        var today = PostgresPartitions.Day(SqliteEventIds.Milliseconds(now));
        return Enumerable.Range(today, PostgresPartitions.DaysAhead + 1);
    }

    /// <summary>Failures of an append that a second attempt on this collector resolves.</summary>
    private static bool IsRetriedHere(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.CheckViolation => IsNoPartition(e),
        PostgresErrorCodes.UniqueViolation => IsIdsAlike(e),
        _ => IsLostToAnother(e),
    };

    /// <summary>Two events of one millisecond given the same id: their counters 2^20 apart (the events' primary key; the other unique keys have ON CONFLICT).</summary>
    private static bool IsIdsAlike(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName?.EndsWith("_pkey", StringComparison.Ordinal) == true;

    /// <summary>A row of a day that has no partition (attached and not being detached) now.</summary>
    private static bool IsNoPartition(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.CheckViolation && e.MessageText.Contains("no partition", StringComparison.Ordinal);

    /// <summary>
    /// The transaction was chosen to end so that a concurrent one goes on (a deadlock, a serialization failure): nothing
    /// of it was committed and running it again resolves it. Every write of the store that can meet another one retries
    /// on it (an append, a chunk of an erasure), up to <see cref="MaxAttempts"/>.
    /// </summary>
    private static bool IsLostToAnother(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>The database cannot take writes now (down, restarting, unreachable, out of connections or disk): the client retries later.</summary>
    internal static bool IsUnavailable(NpgsqlException e) =>
        e is not PostgresException postgres
        || e.IsTransient
        || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources (disk full, too many connections)
        || postgres.SqlState.StartsWith("57", StringComparison.Ordinal) // operator intervention (shutdown, starting up)
        || postgres.SqlState.StartsWith("58", StringComparison.Ordinal); // system error (I/O)

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }
}
