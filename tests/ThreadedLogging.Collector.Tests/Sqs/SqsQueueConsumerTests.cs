using Amazon.SQS.Model;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;
using ThreadedLogging.Collector;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Sqs;

public sealed class SqsQueueConsumerTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    [Fact]
    public async Task Run_StoreKeepsFailing_MessageSetAsideAfterMaxReceiveCountNotRetriedForever()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("storefail");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"kept aside","levelno":20}""" });
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 1, MaxReceiveCount = 2 };
        var store = new FailingEventStore();
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, store, options: options);
        await run.WaitAsync(s => s.Poison >= 1 && s.Deleted >= 1);
        await run.StopAsync();

        Assert.Equal(2, store.Attempts);
        var (count, newest) = await run.Poison.ListAsync(10, CancellationToken.None);
        Assert.Equal(1, count);
        Assert.Contains("not stored after 2 tries", newest[0].Reason, StringComparison.Ordinal);
        Assert.Equal("""{"msg":"kept aside","levelno":20}""", newest[0].Body);
    }

    [Fact]
    public async Task Run_StoreUnavailableLongerThanMaxReceiveCount_MessageNotSetAsideButStoredOnceWritesResume()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("diskfull");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"kept","levelno":20}""" });
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 1, MaxReceiveCount = 2 };
        // A full disk for the first four receives (twice MaxReceiveCount), then room again.
        var store = new FailingEventStore(attempt => attempt <= 4 ? new EventStoreUnavailableException("full") { FailureReason = "disk full" } : null);
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, store, options: options);
        await run.WaitAsync(s => s.Stored >= 1 && s.Deleted >= 1);
        await run.StopAsync();

        Assert.Equal(5, store.Attempts);
        Assert.Equal(0, (await run.Poison.ListAsync(10, CancellationToken.None)).Count); // before: set aside as poison at its second receive
    }

    /// <summary>
    /// SQS's receive count counts the receives that found the store unable to take writes: after a full disk for three receives,
    /// the message's first failed write was its fourth receive, and it was set aside at once (MaxReceiveCount 2). Only tries count.
    /// </summary>
    [Fact]
    public async Task Run_StoreUnavailableThenOneFailedWrite_NotSetAsideTheReceivesThatFoundNoStoreAreNotTries()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("diskfullthenfail");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"kept","levelno":20}""" });
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 1, MaxReceiveCount = 2 };
        var store = new FailingEventStore(attempt => attempt switch
        {
            <= 3 => new EventStoreUnavailableException("full") { FailureReason = "disk full" },
            4 => new IOException("a write failed"),
            _ => null,
        });
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, TimeProvider.System, store, options: options);
        await run.WaitAsync(s => s.Deleted >= 1);
        await run.StopAsync();

        Assert.Equal((1L, 0L), (run.Statistics.Snapshot().Stored, run.Statistics.Snapshot().Poison));
        Assert.Equal(5, store.Attempts);
    }

    /// <summary>
    /// A message whose receive's visibility timeout ran out before its turn was not tried, yet that receive counted toward
    /// MaxReceiveCount: its first failed write (MaxReceiveCount 2) set it aside at once. It is tried again, and stored.
    /// </summary>
    [Fact]
    public async Task Run_LeftUntriedByAnExpiredReceiveThenOneFailedWrite_NotSetAside()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("expiredthenfail");
        using var client = sqs.CreateClient();
        await client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [new() { Id = "0", MessageBody = """{"msg":"first","levelno":20}""" }, new() { Id = "1", MessageBody = """{"msg":"second","levelno":20}""" }],
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 1, MaxReceiveCount = 2 };

        // The first write takes "ten minutes" (the other message's receive is long gone after it), the second fails.
        var store = new FailingEventStore(attempt =>
        {
            if (attempt == 1)
            {
                time.Advance(TimeSpan.FromMinutes(10));
            }

            return attempt == 2 ? new IOException("a write failed") : null;
        });
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, time, store, options: options);
        await run.WaitAsync(s => s.Expired >= 1 && s.Deleted >= 2);
        await run.StopAsync();

        Assert.Equal((2L, 0L), (run.Statistics.Snapshot().Stored, run.Statistics.Snapshot().Poison));
        Assert.Equal(3, store.Attempts);
    }

    [Fact]
    public async Task Run_VisibilityTimeoutRunsOutMidReceive_RestLeftForRedeliveryAndStoredOnce()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("visibility");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"first","levelno":20}""" });
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"second","levelno":20}""" });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 1 };
        // The first message takes "ten minutes" to store: the receive's visibility timeout is long gone after it.
        var store = new RecordingEventStore(onFirstAppend: () => time.Advance(TimeSpan.FromMinutes(10)));
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, time, store, options: options);
        await run.WaitAsync(s => s.Expired >= 1 && s.Stored >= 2 && s.Deleted >= 2);
        await run.StopAsync();

        Assert.Equal(["first", "second"], store.Messages.Order());
    }

    /// <summary>Keeps the messages of appended batches; runs a step on the first append.</summary>
    private sealed class RecordingEventStore(Action onFirstAppend) : AppendOnlyEventStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();
        private int _appends;

        public IEnumerable<string> Messages => _messages;

        public override Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _appends) == 1)
            {
                onFirstAppend();
            }

            foreach (var e in batch.Events)
            {
                _messages.Enqueue(e.Message);
            }

            return Task.FromResult(new AppendResult(batch.Events.Count, batch.Events.Count, false));
        }
    }

    /// <summary>A store whose disk is gone: every append fails (<paramref name="failure"/> of the attempt, from 1; null: it succeeds).</summary>
    private sealed class FailingEventStore(Func<int, Exception?>? failure = null) : AppendOnlyEventStore
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public override Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            if (failure is null)
            {
                throw new IOException("disk full");
            }

            return failure(attempt) is { } e ? throw e : Task.FromResult(new AppendResult(batch.Events.Count, batch.Events.Count, false));
        }
    }

    /// <summary>A store the consumer only appends to (all it calls): ready at once, every read unsupported.</summary>
    private abstract class AppendOnlyEventStore : IEventStore
    {
        public bool IsReady => true;

        public EventCommitFeed Commits { get; } = new();

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public abstract Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken);

        public Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StoredEvent?> GetEventAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EventContext?> GetContextAsync(long id, int count, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UserPage> GetUsersAsync(UserQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ValueCounts> CountByValueAsync(EventQuery query, EventField field, int top, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<EventSummary> SummarizeAsync(EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
