using Amazon.SQS;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// The real <see cref="SqsQueueConsumer"/> draining one queue of the emulator, without the collector app around it: one
/// receiver, long polls of 1 s, a visibility timeout of 30 s, a message set aside after 2 receives (unless
/// <c>options</c> says otherwise), the poison table and the event store in a data folder, the consumer's log collected
/// from Information up. Started once the test's messages are in the queue; stopped by <see cref="StopAsync"/> (or at
/// its disposal), which waits for the consumer's end.
/// </summary>
internal sealed class SqsConsumerRun : IAsyncDisposable
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(60);
    private readonly CancellationTokenSource _stop = new();
    private readonly SqliteEventStore? _ownStore;
    private Task _running = Task.CompletedTask;

    private SqsConsumerRun(string dataPath, SqliteEventStore? ownStore)
    {
        Poison = new SqliteSqsPoisonStore(dataPath);
        _ownStore = ownStore;
    }

    /// <summary>Gets what the consumer counted (received, stored, set aside, …).</summary>
    public SqsIngestStatistics Statistics { get; } = new();

    /// <summary>Gets the poison table the consumer sets messages aside in.</summary>
    public SqliteSqsPoisonStore Poison { get; }

    /// <summary>Gets the consumer's log lines, Information and up.</summary>
    public CollectingLoggerProvider Log { get; } = new(LogLevel.Information);

    /// <summary>
    /// Starts the consumer on <paramref name="queueName"/>, through <paramref name="client"/>, its clock
    /// <paramref name="time"/>; its events to <paramref name="store"/>, or (null) to a SQLite store of its own in
    /// <paramref name="dataPath"/>, where the poison table is too; its messages read by <paramref name="decoder"/>, or
    /// (null) by the collector's decoders; their bytes taken from <paramref name="budget"/> when one is given.
    /// </summary>
    public static async Task<SqsConsumerRun> StartAsync(
        SqsEmulatorFixture sqs, IAmazonSQS client, string queueName, string dataPath, TimeProvider time,
        IEventStore? store = null, CollectorOptions? collector = null, SqsIngestOptions? options = null, SqsMessageDecoder? decoder = null, BodyBudget? budget = null)
    {
        SqliteEventStore? own = null;
        if (store is null)
        {
            own = new SqliteEventStore(dataPath, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
            await own.InitializeAsync(CancellationToken.None);
        }

        var run = new SqsConsumerRun(dataPath, own);
        options ??= new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, MaxReceiveCount = 2 };
        var queue = new SqsQueueOptions { Name = queueName, ServiceUrl = sqs.ServiceUrl, AccessKey = "test", SecretAccessKey = "test" };
        var consumer = new SqsQueueConsumer(queue, options, client, store ?? own!, run.Poison, run.Statistics, collector ?? new CollectorOptions(), decoder ?? new SqsMessageDecoder(IngestDecoders.Create(new())), time, run.Log.CreateLogger("sqs"), budget: budget);
        run._running = consumer.RunAsync(run._stop.Token);
        return run;
    }

    /// <summary>Waits (60 s at most) until the consumer's counts meet <paramref name="condition"/>.</summary>
    public Task WaitAsync(Func<SqsIngestSnapshot, bool> condition) => Statistics.WaitAsync(condition, new CancellationTokenSource(Safety).Token);

    /// <summary>Stops the consumer and waits for its end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        if (_ownStore is not null)
        {
            await _ownStore.DisposeAsync();
        }
    }
}
