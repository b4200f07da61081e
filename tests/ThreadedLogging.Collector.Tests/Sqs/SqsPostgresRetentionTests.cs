using System.Data;
using System.Globalization;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Storage;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>The SQS consumer on a real PostgreSQL while retention removes what its messages meet: a day, a batch key.</summary>
public sealed class SqsPostgresRetentionTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly SqsIngestOptions Options = new() { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, MaxReceiveCount = 1 };

    /// <summary>
    /// While retention detaches an old day (DETACH … CONCURRENTLY, waiting here for an old snapshot), the store refused a batch
    /// with an event of that day "retry later" (503): the message was left in the queue, received again every 5 s for as long as
    /// the detach waited. The event is past MaxAge: left out as retention would have removed it, counted as removed for age, and
    /// the message deleted at once, while the day is still being detached.
    /// </summary>
    [Fact]
    public async Task Run_LateEventForADayRetentionIsDetaching_MessageDeletedAtOnceTheEventLeftOut()
    {
        await using var detaching = await DetachingDay.StartAsync();
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("detaching");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = detaching.LateMessage() });
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, detaching.Store, options: Options);
        await run.WaitAsync(s => s.Deleted + s.Errors >= 1); // before: an error ("retry later"), the message left in the queue
        await run.StopAsync();
        await detaching.EndAsync();

        var snapshotOfCounts = run.Statistics.Snapshot();
        var (poisoned, _) = await run.Poison.ListAsync(10, CancellationToken.None);
        Assert.Equal((1L, 0L, 0L, 0L), (snapshotOfCounts.Deleted, snapshotOfCounts.Errors, snapshotOfCounts.EventsStored, poisoned));
        Assert.Equal(["event 2"], (await detaching.Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Message));
        Assert.DoesNotContain(run.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning || e.Message.Contains("left in the queue", StringComparison.Ordinal));
    }

    /// <summary>
    /// The store's "retry later" (here: the message's batch key removed by retention as its answer was read, at each attempt)
    /// leaves a message in the queue, never set aside at MaxReceiveCount (here 1), and is said once per message at Information
    /// (110). The consumer took the first of any untried receive for it, so a message left first for another reason (here the
    /// receiving budget, all of it held) was never said to wait.
    /// </summary>
    [Fact]
    public async Task Run_MessageLeftForTheBudgetThenRetryLater_RetryLaterSaidOnceNotSetAside()
    {
        await using var hidden = await HiddenBatchKey.StartAsync();
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("budgetretrylater");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = """{"msg":"resent","levelno":20}""",
            MessageAttributes = new() { [SqsWire.DedupeIdAttribute] = new MessageAttributeValue { DataType = "String", StringValue = HiddenBatchKey.Key } },
        });
        var collector = new CollectorOptions();
        var budget = new BodyBudget(collector);
        budget.Take(collector.MaxReceivingBytes);
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, hidden.Store, collector, Options, budget: budget);
        await run.WaitAsync(s => s.Overloaded >= 1); // left for the budget: an untried receive
        budget.Give(collector.MaxReceivingBytes);
        await run.WaitAsync(s => s.Errors >= 2); // then received again and refused "retry later", twice: each not a try
        await hidden.EndAsync();
        await run.WaitAsync(s => s.Deleted >= 1);
        await run.StopAsync();

        var (poisoned, _) = await run.Poison.ListAsync(10, CancellationToken.None);
        Assert.Equal((0L, 1L), (poisoned, run.Statistics.Snapshot().Duplicates));
        Assert.DoesNotContain(run.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error); // not a failure of the store (103); the budget's line (108) is a Warning
        var said = Assert.Single(run.Log.Entries, e => e.Message.Contains("left in the queue, to be stored", StringComparison.Ordinal)); // before: none
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, said.Level);
        Assert.Contains(
            " left in the queue, to be stored when received again in 5 s (not a try): the batch key was removed by retention as its answer was read, at each of 5 attempts; retry later (0 more messages left so",
            said.Message,
            StringComparison.Ordinal);
    }

    private static NewEvent Event(long sequence, DateTimeOffset at) => new()
    {
        Timestamp = at,
        Level = Microsoft.Extensions.Logging.LogLevel.Information,
        Category = "Test",
        Message = $"event {sequence}",
        App = "App",
        Machine = "M",
        InstanceId = "i",
        Sequence = sequence,
    };

    /// <summary>
    /// A PostgreSQL store with an event of 40 days ago and one of now, and retention detaching the old day (DETACH …
    /// CONCURRENTLY), held waiting by an old snapshot until <see cref="EndAsync"/>: the day is "detach pending" meanwhile.
    /// </summary>
    private sealed class DetachingDay : IAsyncDisposable
    {
        private PostgresDatabase _database = null!;
        private NpgsqlDataSource _dataSource = null!;
        private NpgsqlConnection _blocker = null!;
        private NpgsqlTransaction _snapshot = null!;
        private Task _retention = Task.CompletedTask;

        public PostgresEventStore Store { get; private set; } = null!;

        /// <summary>Gets the instant of the old day's event.</summary>
        public DateTimeOffset Old { get; private set; }

        public static async Task<DetachingDay> StartAsync()
        {
            var day = new DetachingDay { _database = PostgresDatabase.Create() };
            day._dataSource = NpgsqlDataSource.Create(day._database.ConnectionString());
            day.Store = new PostgresEventStore(day._dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            await day.Store.InitializeAsync(CancellationToken.None);
            var now = DateTimeOffset.UtcNow;
            day.Old = now.AddDays(-40);
            await day.Store.AppendAsync(new EventBatch(null, [Event(1, day.Old), Event(2, now)]), CancellationToken.None);
            day._blocker = await day._dataSource.OpenConnectionAsync();
            day._snapshot = await day._blocker.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", day._blocker, day._snapshot))
            {
                await read.ExecuteScalarAsync();
            }

            var waiting = PostgresEventStoreTests.LockWaitAsync(day._database.Name);
            day._retention = ((IEventRetention)day.Store).RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
            await waiting;
            return day;
        }

        /// <summary>
        /// A CPython record of the day being detached: the old event's instant, that day whatever the hour (an hour after it was
        /// the next day from 23:00 UTC on, a day with no partition: stored at once, never refused).
        /// </summary>
        public string LateMessage()
        {
            var created = Old.ToUnixTimeMilliseconds() / 1000m;
            return $$"""{"msg":"late","levelno":20,"created":{{created.ToString(CultureInfo.InvariantCulture)}}}""";
        }

        /// <summary>Ends the old snapshot: the detach completes, the day is gone.</summary>
        public async Task EndAsync()
        {
            await _snapshot.RollbackAsync();
            await _retention;
        }

        public async ValueTask DisposeAsync()
        {
            await _snapshot.DisposeAsync();
            await _blocker.DisposeAsync();
            await Store.DisposeAsync();
            await _dataSource.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    /// <summary>
    /// A PostgreSQL store whose batch key <see cref="Key"/> is met by each claim and gone at each read of its answer, as when
    /// retention removes it in between, until <see cref="EndAsync"/>. Nothing real repeats that race on demand; a row-level
    /// security policy of the real server does (the key's row, received long ago, hidden from reads but not from the claim's
    /// conflict), for a role that is not a superuser (a superuser bypasses row security).
    /// </summary>
    private sealed class HiddenBatchKey : IAsyncDisposable
    {
        public const string Key = "resent batch";

        private readonly string _role = $"tl_rls_{Guid.NewGuid():N}";
        private PostgresDatabase _database = null!;
        private NpgsqlDataSource _dataSource = null!;

        public PostgresEventStore Store { get; private set; } = null!;

        public static async Task<HiddenBatchKey> StartAsync()
        {
            var hidden = new HiddenBatchKey { _database = PostgresDatabase.Create() };
            await using (var admin = NpgsqlDataSource.Create(hidden._database.ConnectionString()))
            {
                await using var create = admin.CreateCommand($"CREATE ROLE {hidden._role} LOGIN PASSWORD '{PostgresServer.Password}'; ALTER DATABASE {hidden._database.Name} OWNER TO {hidden._role}");
                await create.ExecuteNonQueryAsync();
            }

            hidden._dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(hidden._database.ConnectionString()) { Username = hidden._role }.ConnectionString);
            hidden.Store = new PostgresEventStore(hidden._dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
            await hidden.Store.InitializeAsync(CancellationToken.None);
            await using var hide = hidden._dataSource.CreateCommand(
                $"INSERT INTO batches (batch_key, accepted, received) VALUES ('{Key}', 1, 0); ALTER TABLE batches ENABLE ROW LEVEL SECURITY; ALTER TABLE batches FORCE ROW LEVEL SECURITY; "
                + "CREATE POLICY claims ON batches FOR INSERT WITH CHECK (true); CREATE POLICY recent ON batches FOR SELECT USING (received > 0)");
            await hide.ExecuteNonQueryAsync();
            return hidden;
        }

        /// <summary>The key is read again: the message's batch is a duplicate, acknowledged.</summary>
        public async Task EndAsync()
        {
            await using var show = _dataSource.CreateCommand("ALTER TABLE batches DISABLE ROW LEVEL SECURITY");
            await show.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await _dataSource.DisposeAsync();
            await _database.DisposeAsync();
            await using var server = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database.ConnectionString()) { Database = "postgres" }.ConnectionString);
            await using var drop = server.CreateCommand($"DROP ROLE IF EXISTS {_role}");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
