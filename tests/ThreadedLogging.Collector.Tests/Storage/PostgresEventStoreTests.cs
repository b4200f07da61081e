using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL (a throwaway cluster), plus what is PostgreSQL's own.</summary>
public sealed partial class PostgresEventStoreTests : EventStoreContractTests
{
    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    private protected override bool IdentityHoldsTheDay => true;

    [Fact]
    public async Task Initialize_TwoStoresAtOnce_SchemaCreatedOnceBothWork()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString());
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None))));
        var results = await Task.WhenAll(stores.Select((s, i) => s.AppendAsync(new EventBatch("same", [Event(i)]), CancellationToken.None)));

        Assert.Single(results, r => !r.Duplicate);
        await using var version = dataSource.CreateCommand("SELECT count(*), max(version) FROM tl_schema");
        await using var reader = await version.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(PostgresSchema.Version, reader.GetInt32(1));
    }

    [Fact]
    public async Task RemoveExpired_OldDays_PartitionsDroppedNotRowsDeleted()
    {
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: T0.AddDays(1)), Event(3, at: now)]), CancellationToken.None);

        var result = await Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);

        Assert.Contains("events_p20261124", result.Partitions);
        Assert.Contains("events_p20261125", result.Partitions);
        Assert.DoesNotContain("events_p20270103", result.Partitions);
        Assert.Equal(3L, Assert.Single((await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events).Sequence);
        await using var left = _dataSource!.CreateCommand("SELECT count(*) FROM pg_class WHERE relname IN ('events_p20261124', 'events_p20261125')");
        Assert.Equal(0L, await left.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RemoveExpired_StoppedBetweenDetachAndDrop_NextRunDropsTheDetachedDay()
    {
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: now)]), CancellationToken.None);
        await using (var detach = _dataSource!.CreateCommand("ALTER TABLE events DETACH PARTITION events_p20261124"))
        {
            await detach.ExecuteNonQueryAsync(); // what a run stopped after its detach leaves
        }

        var result = await Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);

        Assert.Contains("events_p20261124", result.Partitions);
        await using var left = _dataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relname = 'events_p20261124'");
        Assert.Equal(0L, await left.ExecuteScalarAsync());
        Assert.Equal(2L, Assert.Single((await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events).Sequence);
    }

    [Fact]
    public async Task Append_NewDayWhileALongQueryHoldsEvents_StoredWithoutWaitingForIt()
    {
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0)]), CancellationToken.None);
        await using var blocker = await _dataSource!.OpenConnectionAsync();
        await using var longQuery = await blocker.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, longQuery))
        {
            await read.ExecuteScalarAsync();
        }

        // A day with no partition yet: made while the query still runs (the bound is on a hang, not on speed).
        var stored = await Store.AppendAsync(new EventBatch(null, [Event(2, at: T0.AddDays(100))]), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        await longQuery.RollbackAsync();

        Assert.Equal(1, stored.Stored);
        Assert.Equal([2L, 1L], (await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Sequence!.Value));
    }

    [Fact]
    public async Task RemoveExpired_BackendKilledDuringConcurrentDetach_StoreConsistentAndNextRunFinishes()
    {
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0, message: "old needle"), Event(2, at: now, message: "new needle")]), CancellationToken.None);
        // An old snapshot makes DETACH ... CONCURRENTLY wait in its second transaction, after the first one
        // has committed the partition as "detach pending": the run is killed there.
        await using var blocker = await _dataSource!.OpenConnectionAsync();
        await using var snapshot = await blocker.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var waiting = LockWaitAsync(_database!.Name);
        var run = Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
        var pid = await waiting; // the detach, the one session of this database that waits for a lock
        await ScalarAsync($"SELECT pg_terminate_backend({pid})");
        await Assert.ThrowsAnyAsync<Exception>(() => run);
        await snapshot.RollbackAsync();

        Assert.Equal(true, await ScalarAsync("SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'events_p20261124'::regclass"));
        await Store.AppendAsync(new EventBatch(null, [Event(3, at: now.AddMinutes(1), message: "newer needle")]), CancellationToken.None);
        Assert.Equal([3L, 2L], (await Store.QueryAsync(new EventQuery { Words = ["needle"] }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value));
        var result = await Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);

        Assert.Contains("events_p20261124", result.Partitions);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'events_p20261124'"));
        Assert.Equal([3L, 2L], (await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Sequence!.Value));
    }

    /// <summary>
    /// The process id of the first session of <paramref name="database"/> that waits for a lock longer than its
    /// <c>deadlock_timeout</c> from now on, as the server logs it ("[pid] database: LOG:  process pid still waiting for …");
    /// call it before what is to wait. With <paramref name="processId"/>, only that session's wait counts: the server logs
    /// "still waiting" again each time a waiting session is woken without its lock, so another session's second line is
    /// not a sign that this one has been checked for deadlocks. The bound is on a session that never waits, not a timing:
    /// past it the log is no longer watched and the test fails saying what it waited for.
    /// </summary>
    internal static async Task<int> LockWaitAsync(string database, int? processId = null)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var process = processId is { } id ? $"LOG:  process {id.ToString(System.Globalization.CultureInfo.InvariantCulture)} " : "LOG:  process ";
        string line;
        try
        {
            line = await PostgresServer.Instance.NextLogLineAsync(l => l.Contains($"] {database}: {process}", StringComparison.Ordinal) && l.Contains(" still waiting for ", StringComparison.Ordinal), bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"No session of database {database} ({(processId is null ? "any" : "process " + processId)}) waited for a lock within a minute: the server logged no '… still waiting for …' line for it (log_lock_waits, past deadlock_timeout).");
        }

        var start = line.IndexOf("LOG:  process ", StringComparison.Ordinal) + "LOG:  process ".Length;
        return int.Parse(line[start..line.IndexOf(' ', start)], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Query_PrefixOfLettersTheLocaleDoesNotKnow_NoErrorOtherWordsStillMatch()
    {
        // Under LC_CTYPE C, [:alnum:] is ASCII only: 'éé*' made the tsquery ':*', a syntax error (500 for GET /api/events?q=éé*).
        // 'é' is folded to 'e' now (schema version 5), so 'ßß*' (not folded) is the prefix the locale does not know.
        var database = "c_locale_" + Guid.NewGuid().ToString("N");
        await using (var create = _dataSource!.CreateCommand($"CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(PostgresServer.Instance.ConnectionString(database));
            await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            await store.AppendAsync(new EventBatch(null, [Event(1, message: "café invoice"), Event(2, message: "other")]), CancellationToken.None);

            var prefixOnly = await store.QueryAsync(new EventQuery { Words = ["ßß*"], Limit = 10 }, CancellationToken.None);
            var withWord = await store.QueryAsync(new EventQuery { Words = ["invoice", "ßß*"], Limit = 10 }, CancellationToken.None);

            var folded = await store.QueryAsync(new EventQuery { Words = ["cafe"], Limit = 10 }, CancellationToken.None);

            Assert.Empty(prefixOnly.Events);
            Assert.Equal(1L, Assert.Single(withWord.Events).Sequence);
            Assert.Equal(1L, Assert.Single(folded.Events).Sequence); // folded before the locale's classes split it
        }
        finally
        {
            PostgresServer.Instance.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Initialize_OnVersion4Database_OldEventsFoundWithoutTheirDiacritics()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await PostgresSchema.EnsureAsync(connection, 4, CancellationToken.None);
            // The insert names version 6's trace_id; otherwise it is version 4's (the search column is the database's).
            await using var traceColumn = new NpgsqlCommand("ALTER TABLE events ADD COLUMN trace_id text", connection);
            await traceColumn.ExecuteNonQueryAsync();
        }

        // Stored as a version 4 collector stores them.
        await using (var old = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance))
        {
            await old.AppendAsync(new EventBatch(null, DiacriticEvents()), CancellationToken.None);
        }

        await using (var before = dataSource.CreateCommand("SELECT count(*) FROM events WHERE search @@ 'besancon'::tsquery"))
        {
            Assert.Equal(0L, await before.ExecuteScalarAsync()); // version 4 kept the accents
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);

        async Task<long[]> Found(string word) =>
            [.. (await store.QueryAsync(new EventQuery { Words = [word], Limit = 100 }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value)];
        Assert.Equal(new long[] { 3, 2, 1 }, await Found("cafe"));
        Assert.Equal(new long[] { 2, 1 }, await Found("\"creme brul\"*"));
        Assert.Equal(new long[] { 4 }, await Found("besancon"));
        Assert.Equal(new long[] { 5 }, await Found("\u01d6ber"));
        await using var version = dataSource.CreateCommand("SELECT max(version) FROM tl_schema");
        Assert.Equal(PostgresSchema.Version, await version.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Initialize_OnNewerSchema_RefusedAsAConfigurationNamingBothVersionsAndLeftAsItWas()
    {
        // An older build on a database a newer one upgraded: an InvalidOperationException, which the collector's start
        // did not catch (a stack trace and exit code 134 instead of one line and exit code 2, as SQLite's folder gets).
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        var newer = PostgresSchema.Version + 1;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await PostgresSchema.EnsureAsync(connection, CancellationToken.None);
            await using var raise = new NpgsqlCommand($"UPDATE tl_schema SET version = {newer}", connection);
            await raise.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        var refused = await Assert.ThrowsAsync<CollectorConfigurationException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.Contains($"schema version {newer}; this collector knows up to {PostgresSchema.Version}", refused.Message, StringComparison.Ordinal);
        await using var version = dataSource.CreateCommand("SELECT max(version) FROM tl_schema");
        Assert.Equal(newer, await version.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Initialize_UpgradeWaitsLongerThanTheCommandTimeout_Completes()
    {
        await using var database = PostgresDatabase.Create();
        // deadlock_timeout=3s: the server logs a lock wait of the store's once it has lasted 3 s, three command timeouts.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString() + ";Command Timeout=1;Options=-c deadlock_timeout=3s");
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await PostgresSchema.EnsureAsync(connection, 4, CancellationToken.None);
        }

        // A long query holds the events: the upgrade's rewrite waits for it, past the 1 s command timeout (as a rewrite
        // of a large store runs past the default 30 s). Cancelled there, it would roll back and fail every start.
        await using var blocker = await dataSource.OpenConnectionAsync();
        await using var longQuery = await blocker.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, longQuery))
        {
            await read.ExecuteScalarAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        var waiting = LockWaitAsync(database.Name);
        var initializing = store.InitializeAsync(CancellationToken.None);
        await await Task.WhenAny(waiting, initializing); // the upgrade's rewrite has waited 3 s for the long query (a failed upgrade fails here)
        Assert.True(waiting.IsCompleted, "the upgrade ended without waiting for the long query");
        await longQuery.RollbackAsync();
        await initializing.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a hang

        await using var version = dataSource.CreateCommand("SELECT max(version) FROM tl_schema");
        Assert.Equal(PostgresSchema.Version, await version.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Initialize_AnotherCollectorUpgradingLongerThanTheCommandTimeout_WaitsForItAndOpens()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString() + ";Command Timeout=1;Options=-c deadlock_timeout=3s");
        // Another collector's upgrade: it holds the schema lock.
        await using var upgrading = await dataSource.OpenConnectionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresSchema.SchemaLock})", upgrading))
        {
            await hold.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        var waiting = LockWaitAsync(database.Name);
        var initializing = store.InitializeAsync(CancellationToken.None);
        await await Task.WhenAny(waiting, initializing); // the store has waited 3 s for the schema lock (a failed start fails here)
        Assert.True(waiting.IsCompleted, "the store opened without waiting for the schema lock");
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresSchema.SchemaLock})", upgrading))
        {
            await release.ExecuteNonQueryAsync();
        }

        await initializing.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a hang

        Assert.True(store.IsReady);
    }

    [Fact]
    public async Task Query_Words_ReadThroughTheSearchIndex()
    {
        await Store.AppendAsync(new EventBatch(null, DiacriticEvents()), CancellationToken.None);
        var plan = await PlanAsync(new EventQuery { Words = ["caf\u00e9", "\"cr\u00e8me br\"*"], Limit = 10 });

        // The folded query is matched against the stored column, so GIN answers it (a seq scan would be the only plan otherwise).
        Assert.True(plan.Any(line => line.Contains("Bitmap Index Scan on events_p", StringComparison.Ordinal) && line.Contains("search", StringComparison.Ordinal)), string.Join("\n", plan));
    }

    /// <summary>PostgreSQL's plan of <paramref name="query"/> with sequential scans off (what an index can serve, it serves).</summary>
    private async Task<List<string>> PlanAsync(EventQuery query)
    {
        await using var connection = await _dataSource!.OpenConnectionAsync();
        await using (var noSeqScan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await noSeqScan.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand { Connection = connection };
        PostgresQueryBuilder.Build(command, query);
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return plan;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var command = _dataSource!.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private protected override void UseErasureChunking(ErasureChunking chunking) => ((PostgresEventStore)Store).ErasureChunking = chunking;

    private protected override Task<IEventStore> CreateStoreAsync()
    {
        _database = PostgresDatabase.Create();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString());
        return Task.FromResult<IEventStore>(new PostgresEventStore(_dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance));
    }

    protected override async Task DeleteStoreAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
