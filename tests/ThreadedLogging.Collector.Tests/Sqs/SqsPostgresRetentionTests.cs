using System.Data;
using System.Globalization;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
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
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-40);
        await store.AppendAsync(new EventBatch(null, [Event(1, old), Event(2, now)]), CancellationToken.None);

        // An old snapshot makes the detach of the old day wait in its second transaction: the day is "detach pending" meanwhile.
        await using var blocker = await dataSource.OpenConnectionAsync();
        await using var snapshot = await blocker.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var waiting = PostgresEventStoreTests.LockWaitAsync(database.Name);
        var retention = ((IEventRetention)store).RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
        await waiting;

        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("detaching");
        using var client = sqs.CreateClient();
        // Late, of the day being detached: event 1's instant, that day whatever the hour (an hour after it was the next day
        // from 23:00 UTC on, a day with no partition: stored at once, never refused).
        var created = old.ToUnixTimeMilliseconds() / 1000m;
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = $$"""{"msg":"late","levelno":20,"created":{{created.ToString(CultureInfo.InvariantCulture)}}}""" });
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, MaxReceiveCount = 1 };
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, store, options: options);
        await run.WaitAsync(s => s.Errors >= 2); // the store refused it twice (received again after the Retry-After): the day is being detached
        await snapshot.RollbackAsync();
        await retention;
        await run.WaitAsync(s => s.Deleted >= 1);
        await run.StopAsync();

        var snapshotOfCounts = run.Statistics.Snapshot();
        var (poisoned, _) = await run.Poison.ListAsync(10, CancellationToken.None);
        Assert.Equal(0, poisoned); // before: set aside, "not stored after 1 try: events of … cannot be stored while retention removes that day"
        Assert.Equal((1L, 1L), (snapshotOfCounts.Stored, snapshotOfCounts.EventsStored));
        Assert.Equal(["event 2", "late"], (await store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.Select(e => e.Message).Order());
        Assert.DoesNotContain(run.Log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning); // before: 103, an Error, "Storing SQS message … failed (try 1)"
        var said = Assert.Single(run.Log.Entries, e => e.Message.Contains("left in the queue", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, said.Level);
        Assert.StartsWith("SQS message ", said.Message, StringComparison.Ordinal);
        Assert.Contains(
            $" left in the queue, to be stored when received again in 5 s (not a try): events of {old:yyyy-MM-dd} (UTC) cannot be stored while retention removes that day; retry later (0 more messages left so",
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
}
