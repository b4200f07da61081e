using System.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Ingest on PostgreSQL while retention removes what it meets: a batch key, a day.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task Append_BatchKeyRemovedByRetentionBetweenItsConflictAndItsRead_StoredAsANewBatch()
    {
        await Store.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None);
        // The same batch again, from a store whose read of the stored key is held back: its claim has met the key.
        await using var gate = new StatementGate(PostgresServer.Instance.Port, "SELECT accepted FROM batches");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Port = gate.Port }.ConnectionString);
        await using var resender = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        var resent = resender.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None);
        await gate.Reached;
        // Meanwhile retention removes the key, past MaxAge (and the event's day); the bound is on a hang.
        await Retention.RemoveExpiredAsync(new RetentionOptions { MaxAge = TimeSpan.FromDays(1) }, TimeProvider.System.GetUtcNow().AddDays(1), CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(1));
        gate.Release();
        var result = await resent;

        Assert.False(result.Duplicate);
        Assert.Equal(1, result.Stored);
        Assert.Equal(1L, Assert.Single((await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events).Sequence);
    }

    [Fact]
    public async Task Append_BatchKeyGoneAtEachRead_RefusedRetryLaterAfterMaxAttempts()
    {
        // The race above at every attempt: the claim meets the key, the read of its answer finds none. Nothing real repeats it
        // on demand; a row-level security policy of the real server does (the key's row, received long ago, hidden from reads
        // but not from the claim's conflict), for a role that is not a superuser (a superuser bypasses row security).
        var role = $"tl_rls_{Guid.NewGuid():N}";
        var database = PostgresDatabase.Create();
        try
        {
            await using (var admin = NpgsqlDataSource.Create(database.ConnectionString()))
            {
                await using var create = admin.CreateCommand($"CREATE ROLE {role} LOGIN PASSWORD '{PostgresServer.Password}'; ALTER DATABASE {database.Name} OWNER TO {role}");
                await create.ExecuteNonQueryAsync();
            }

            await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString()) { Username = role }.ConnectionString);
            await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            await store.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None);
            await using (var hide = dataSource.CreateCommand(
                "UPDATE batches SET received = 0; ALTER TABLE batches ENABLE ROW LEVEL SECURITY; ALTER TABLE batches FORCE ROW LEVEL SECURITY; "
                + "CREATE POLICY claims ON batches FOR INSERT WITH CHECK (true); CREATE POLICY recent ON batches FOR SELECT USING (received > 0)"))
            {
                await hide.ExecuteNonQueryAsync();
            }

            // The bound is on a hang: before, the append claimed the key and read it again for ever.
            var refused = await Assert.ThrowsAsync<IngestRejectedException>(
                () => store.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));

            Assert.Equal((StatusCodes.Status503ServiceUnavailable, true), (refused.StatusCode, refused.IsRetryLater));
            Assert.Equal(IngestEndpoint.StoreRetryAfterSeconds, refused.RetryAfterSeconds);
            Assert.Equal("the batch key was removed by retention as its answer was read, at each of 5 attempts; retry later", refused.Message);
            Assert.Single((await store.QueryAsync(new EventQuery(), CancellationToken.None)).Events);
        }
        finally
        {
            await database.DisposeAsync();
            await using var server = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString()) { Database = "postgres" }.ConnectionString);
            await using var drop = server.CreateCommand($"DROP ROLE IF EXISTS {role}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Before: the whole batch was refused 503 "events of 2026-11-24 (UTC) cannot be stored while retention removes that day;
    /// retry later", its current events too, for as long as the detach waited. The late event (past MaxAge, on a day being
    /// removed) is left out and counted as removed for age; the rest is stored, the batch acknowledged once (its key claimed:
    /// the same batch again is a duplicate); a batch of that day alone is acknowledged too, all of it counted removed.
    /// </summary>
    [Fact]
    public async Task Append_LateEventForADayRetentionIsDetaching_LeftOutCountedRemovedForAgeTheRestStored()
    {
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: now)]), CancellationToken.None);
        var removed = new List<(RetentionReason Reason, long Events)>();
        var log = new CollectingLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Information);
        using var loggers = new Microsoft.Extensions.Logging.LoggerFactory([log]);
        await using var store = new PostgresEventStore(_dataSource!, TimeProvider.System, new Microsoft.Extensions.Logging.Logger<PostgresEventStore>(loggers), removedForAge: (reason, events) => removed.Add((reason, events)));
        await store.InitializeAsync(CancellationToken.None);
        // An old snapshot makes the detach of T0's day wait in its second transaction: the day is "detach pending" meanwhile.
        await using var blocker = await _dataSource!.OpenConnectionAsync();
        await using var snapshot = await blocker.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var waiting = LockWaitAsync(_database!.Name);
        var run = Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
        await waiting;
        var late = new EventBatch("late", [Event(3, at: T0.AddHours(1)), Event(4, at: now), Event(5, at: T0.AddHours(2))]);

        var stored = await store.AppendAsync(late, CancellationToken.None);
        var onlyLate = await store.AppendAsync(new EventBatch("only late", [Event(6, at: T0.AddHours(3))]), CancellationToken.None);
        var again = await store.AppendAsync(late, CancellationToken.None);
        await snapshot.RollbackAsync();
        await run;

        Assert.Equal(new AppendResult(3, 1, Duplicate: false, RemovedForAge: 2), stored);
        Assert.Equal(new AppendResult(1, 0, Duplicate: false, RemovedForAge: 1), onlyLate);
        Assert.Equal(new AppendResult(3, 0, Duplicate: true), again);
        Assert.Equal([(RetentionReason.Age, 2L), (RetentionReason.Age, 1L)], removed);
        Assert.Equal([2L, 4L], (await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Sequence!.Value).Order());
        Assert.Contains(
            "Left out 2 of the 3 events of a batch, of 2026-11-24 (UTC): retention is removing those days (older than Collector:Retention:MaxAge); stored the rest, counted those as removed for age",
            log.Entries.Select(e => e.Message));
    }

    /// <summary>
    /// Before: leaving the late event out took one of the append's 5 attempts, so a batch that met it at its last one (after
    /// four other retried failures: here two ids alike, a counter 2^20 apart in one millisecond) was a 500, the check
    /// violation "no partition of relation" escaping. Leaving rows out is not a failed attempt: the rest is stored.
    /// </summary>
    [Fact]
    public async Task Append_LateEventMetAtTheLastAttempt_LeftOutTheRestStoredNotAFailure()
    {
        const long Counter = 1000;
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: now)]), CancellationToken.None);
        // A store without a pool: each attempt is a new session, whose counter is the next block of the sequence.
        await using var unpooled = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Pooling = false }.ConnectionString);
        await using var store = new PostgresEventStore(unpooled, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        // Events of the same millisecond already hold the ids the batch's first four attempts take: each is refused by the
        // primary key (two ids alike) and tried again with a new counter, as the store does (its session's block and a
        // stride further each time); the fifth takes a free one.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await ScalarAsync($"SELECT setval('event_counter', {Counter + (attempt * (CounterCache + PostgresEventStore.CounterStride))}, false)");
            await store.AppendAsync(new EventBatch(null, [Event(10 + attempt, at: now)]), CancellationToken.None);
        }

        await ScalarAsync($"SELECT setval('event_counter', {Counter}, false)");
        await using var blocker = await _dataSource!.OpenConnectionAsync();
        await using var snapshot = await blocker.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var waiting = LockWaitAsync(_database.Name);
        var run = Retention.RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
        await waiting;

        var stored = await Record.ExceptionAsync(async () => Assert.Equal(
            new AppendResult(2, 1, Duplicate: false, RemovedForAge: 1),
            await store.AppendAsync(new EventBatch("late at the last", [Event(20, at: now), Event(21, at: T0.AddHours(1))]), CancellationToken.None)));
        await snapshot.RollbackAsync();
        await run;

        Assert.Null(stored); // before: PostgresException 23514 "no partition of relation "events" found for row"
        Assert.Equal([2L, 10L, 11L, 12L, 13L, 20L], (await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Sequence!.Value).Order());
    }

    [Fact]
    public async Task Append_ConnectionLostWhileAskingWhetherTheDayIsDetaching_StoreUnavailable()
    {
        // A store whose question "is that day being detached?" (asked after an insert found no partition) is held back.
        var gate = new StatementGate(PostgresServer.Instance.Port, "i.inhdetachpending AND c.relname = ANY");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Port = gate.Port, Pooling = false }.ConnectionString);
        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(1, at: T0)]), CancellationToken.None);
        // Another collector's retention dropped the day this store has made: its insert finds no partition.
        await using (var drop = _dataSource!.CreateCommand("DROP TABLE events_p20261124"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var append = store.AppendAsync(new EventBatch(null, [Event(2, at: T0)]), CancellationToken.None);
        await gate.Reached.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a hang, not a timing
        await gate.CutAsync(); // the connection is lost while the question is asked, which PostgreSQL never gets
        var failed = await Record.ExceptionAsync(() => append);

        // Before: the raw NpgsqlException (a 500 "internal error", a try for SQS), thrown from inside the catch that asked.
        var unavailable = Assert.IsType<EventStoreUnavailableException>(failed);
        Assert.Equal("PostgreSQL cannot be reached", unavailable.FailureReason);
    }
}
