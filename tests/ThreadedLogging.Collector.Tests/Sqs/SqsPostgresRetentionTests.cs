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

/// <summary>The SQS consumer on a real PostgreSQL while retention removes a day its messages have events of.</summary>
public sealed class SqsPostgresRetentionTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly SqsIngestOptions Options = new() { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, MaxReceiveCount = 1 };

    /// <summary>
    /// While retention detaches an old day (DETACH … CONCURRENTLY, waiting here for an old snapshot), the store refuses a batch with
    /// an event of that day "retry later" (503). The consumer took that for a failed write: a try, so a message of a late event was
    /// set aside as poison at its MaxReceiveCount-th receive (here the first) during a long detach. It is left in the queue,
    /// visible again after the Retry-After, and stored once the day is gone. A normal race, said once for the message (received
    /// twice here) at Information with its own id (110), where each receive was a failure of the store (103, an Error).
    /// </summary>
    [Fact]
    public async Task Run_LateEventForADayRetentionIsDetaching_LeftInTheQueueSaidOnceNotSetAsideStoredOnceTheDayIsGone()
    {
        await using var detaching = await DetachingDay.StartAsync();
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("detaching");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = detaching.LateMessage() });
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, detaching.Store, options: Options);
        await run.WaitAsync(s => s.Errors >= 2); // the store refused it twice (received again after the Retry-After): the day is being detached
        await detaching.EndAsync();
        await run.WaitAsync(s => s.Deleted >= 1);
        await run.StopAsync();

        var snapshotOfCounts = run.Statistics.Snapshot();
        var (poisoned, _) = await run.Poison.ListAsync(10, CancellationToken.None);
        Assert.Equal(0, poisoned); // before: set aside, "not stored after 1 try: events of … cannot be stored while retention removes that day"
        Assert.Equal((1L, 1L), (snapshotOfCounts.Stored, snapshotOfCounts.EventsStored));
        Assert.Equal(["event 2", "late"], (await detaching.Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Message).Order());
        Assert.DoesNotContain(run.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning); // before: 103, an Error, "Storing SQS message … failed (try 1)"
        var said = Assert.Single(run.Log.Entries, e => e.Message.Contains("left in the queue, to be stored", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, said.Level);
        Assert.StartsWith("SQS message ", said.Message, StringComparison.Ordinal);
        Assert.Contains(
            $" left in the queue, to be stored when received again in 5 s (not a try): events of {detaching.Old:yyyy-MM-dd} (UTC) cannot be stored while retention removes that day; retry later (0 more messages left so",
            said.Message,
            StringComparison.Ordinal);
    }

    /// <summary>
    /// 110 is said once per message, at its first "retry later": the consumer took the first of any untried receive for it, so a
    /// message left first for another reason (here the receiving budget, all of it held) was never said to wait for the day.
    /// </summary>
    [Fact]
    public async Task Run_MessageLeftForTheBudgetThenForADayBeingDetached_RetryLaterSaidOnce()
    {
        await using var detaching = await DetachingDay.StartAsync();
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("budgetdetaching");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = detaching.LateMessage() });
        var collector = new CollectorOptions();
        var budget = new BodyBudget(collector);
        budget.Take(collector.MaxReceivingBytes);
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, detaching.Store, collector, Options, budget: budget);
        await run.WaitAsync(s => s.Overloaded >= 1); // left for the budget: an untried receive
        budget.Give(collector.MaxReceivingBytes);
        await run.WaitAsync(s => s.Errors >= 1); // then received again and refused "retry later": the day is being detached
        await detaching.EndAsync();
        await run.WaitAsync(s => s.Deleted >= 1);
        await run.StopAsync();

        Assert.Equal(1L, run.Statistics.Snapshot().Stored);
        var said = Assert.Single(run.Log.Entries, e => e.Message.Contains("left in the queue, to be stored", StringComparison.Ordinal)); // before: none
        Assert.Contains($"(not a try): events of {detaching.Old:yyyy-MM-dd} (UTC) cannot be stored while retention removes that day", said.Message, StringComparison.Ordinal);
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
}
