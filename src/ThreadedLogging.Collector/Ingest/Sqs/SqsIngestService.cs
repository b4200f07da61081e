using Amazon.SQS;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>The background service that drains every configured queue; starts after the event store is open.</summary>
internal sealed class SqsIngestService(
    SqsIngestOptions options,
    IEventStore store,
    ISqsPoisonStore poison,
    SqsIngestStatistics statistics,
    CollectorOptions collector,
    SqsMessageDecoder decoder,
    TimeProvider time,
    StoreWriteState writes,
    BodyBudget budget,
    ILogger<SqsIngestService> logger) : BackgroundService
{
    private readonly List<IAmazonSQS> _clients = [];

    /// <summary>Gets or sets a step run after messages are committed and before they are deleted (tests: a consumer killed there).</summary>
    internal Func<IReadOnlyList<Message>, CancellationToken, Task>? BeforeDelete { get; set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumers = new List<Task>(options.Queues.Count);
        foreach (var queue in options.Queues)
        {
            var client = SqsClientFactory.Create(queue);
            _clients.Add(client);
            var consumer = new SqsQueueConsumer(queue, options, client, store, poison, statistics, collector, decoder, time, logger, BeforeDelete, writes, budget);
            consumers.Add(consumer.RunAsync(stoppingToken));
        }

        return Task.WhenAll(consumers);
    }

    public override void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        base.Dispose();
    }
}
