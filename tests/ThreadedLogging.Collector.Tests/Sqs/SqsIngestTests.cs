using System.Net.Http.Json;
using System.Text.Json;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>End to end through the collector: app → ThreadedAwsHandler → fauxqs → SQS consumer → SQLite store.</summary>
public sealed class SqsIngestTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ingest_BothBodyShapesFromHandlers_EachEventStoredExactlyOnce()
    {
        using var data = new TempDirectory();
        var (name, _) = await sqs.CreateQueueAsync("ingest");
        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name, new() { ["Collector:Sqs:ReceiversPerQueue"] = "3" });

        string batchInstance, seedInstance;
        await using (var batches = new ThreadedAwsHandler(sqs.Options(name)))
        {
            var seedOptions = sqs.Options(name);
            seedOptions.MessageFormat = SqsMessageFormat.SeedRecord;
            seedOptions.User = "bob";
            await using var seeds = new ThreadedAwsHandler("test", "test", name, revision: 42, seedOptions);
            batchInstance = batches.Identity.InstanceId;
            seedInstance = seeds.Identity.InstanceId;
            var log = batches.CreateLogger("Payroll");
            for (var i = 0; i < 700; i++)
            {
                log.LogInformation("batched order {Number} shipped to the warehouse", i);
            }

            var legacy = seeds.CreateLogger("camelot.view");
            for (var i = 0; i < 30; i++)
            {
                legacy.LogWarning("seed record {Number}", i);
            }

            Assert.True(await batches.FlushAsync(new CancellationTokenSource(Budget).Token));
            Assert.True(await seeds.FlushAsync(new CancellationTokenSource(Budget).Token));
        }

        await collector.Statistics.WaitAsync(s => s.EventsStored >= 730, new CancellationTokenSource(Budget).Token);
        var events = await collector.AllEventsAsync();

        Assert.Equal(730, events.Count);
        Assert.Equal(730, events.Select(e => (e.InstanceId, e.Sequence)).Distinct().Count());
        Assert.Equal(700, events.Count(e => e.InstanceId == batchInstance && e.User == "alice" && e.Message.StartsWith("batched order", StringComparison.Ordinal)));
        var seed = events.Where(e => e.InstanceId == seedInstance).ToList();
        Assert.Equal(30, seed.Count);
        Assert.All(seed, e => Assert.Equal(("bob", "42", LogLevel.Warning, "camelot.view"), (e.User, e.Version, e.Level, e.Category)));
        Assert.All(events, e => Assert.Equal($"sqs:{name}", e.Path));
    }

    /// <summary>
    /// A seed record carries the seed's integer <c>revision</c>, 0 unless the app gives one; the collector took it for the
    /// version, so a .NET app sending seed records without a revision had every event stored as version "0", its own
    /// version (<c>Version</c>, else the entry assembly's) lost. The record now carries <c>version</c> too, and a revision
    /// of 0 is none.
    /// </summary>
    [Fact]
    public async Task Ingest_SeedRecordsWithoutARevision_StoredWithTheHandlersVersion_ARevisionStillWins()
    {
        using var data = new TempDirectory();
        var (name, _) = await sqs.CreateQueueAsync("seedversion");
        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);

        string unrevised, revised;
        var options = sqs.Options(name);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        options.Version = "2.4.0";
        await using (var plain = new ThreadedAwsHandler(options))
        await using (var seed = new ThreadedAwsHandler("test", "test", name, revision: 12, options))
        {
            unrevised = plain.Identity.InstanceId;
            revised = seed.Identity.InstanceId;
            plain.CreateLogger("Payroll").LogInformation("paid {Number}", 1);
            seed.CreateLogger("Payroll").LogInformation("paid {Number}", 2);
            Assert.True(await plain.FlushAsync(new CancellationTokenSource(Budget).Token));
            Assert.True(await seed.FlushAsync(new CancellationTokenSource(Budget).Token));
        }

        await collector.Statistics.WaitAsync(s => s.EventsStored >= 2, new CancellationTokenSource(Budget).Token);
        var events = await collector.AllEventsAsync();
        Assert.Equal("2.4.0", events.Single(e => e.InstanceId == unrevised).Version); // before: "0"
        Assert.Equal("12", events.Single(e => e.InstanceId == revised).Version);
    }

    [Fact]
    public async Task Ingest_ConsumerKilledBetweenCommitAndDelete_RedeliveredMessageStoredOnce()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("killed");
        await using (var handler = new ThreadedAwsHandler(sqs.Options(name)))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 20; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(Budget).Token));
        }

        // First collector: commits the message, then "dies" before deleting it (the step never returns; the host is stopped).
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await SqsCollectorHost.StartAsync(sqs, data.Path, name,
            new() { ["Collector:Sqs:ReceiversPerQueue"] = "1", ["Collector:Sqs:VisibilityTimeoutSeconds"] = "1" },
            async (_, stopping) =>
            {
                committed.TrySetResult();
                await Task.Delay(Timeout.Infinite, stopping);
            });
        await committed.Task.WaitAsync(Budget);
        Assert.Equal(20, first.Statistics.Snapshot().EventsStored);
        await first.DisposeAsync();

        // Second collector, same database: the message comes back once its visibility timeout passes.
        await using var second = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await second.Statistics.WaitAsync(s => s.Duplicates >= 1 && s.Deleted >= 1, new CancellationTokenSource(Budget).Token);

        Assert.Equal(0, second.Statistics.Snapshot().EventsStored);
        Assert.Equal(20, (await second.AllEventsAsync()).Count);
        using var client = sqs.CreateClient();
        Assert.Equal(0, await CountMessagesAsync(client, url));
    }

    [Fact]
    public async Task Ingest_PoisonMessages_SetAsideCountedViewableAndDeleted()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("poison");
        using var client = sqs.CreateClient();
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "not json", MessageAttributes = Format("json-batch") });
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "%%% not base64", MessageAttributes = Format("json-batch+gzip") });
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "hello from someone else" });
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"fine","levelno":40,"name":"py","user":"carol"}""" });

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.Poison >= 3 && s.EventsStored >= 1, new CancellationTokenSource(Budget).Token);
        await collector.Statistics.WaitAsync(s => s.Deleted >= 4, new CancellationTokenSource(Budget).Token);

        using var http = new HttpClient { BaseAddress = new Uri(collector.BaseUrl) };
        using var poison = JsonDocument.Parse(await http.GetStringAsync("/api/ingest/sqs/poison"));
        Assert.Equal(3, poison.RootElement.GetProperty("count").GetInt64());
        var bodies = poison.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()).ToList();
        Assert.Contains("not json", bodies);
        Assert.Contains("hello from someone else", bodies);
        Assert.All(poison.RootElement.GetProperty("messages").EnumerateArray(), m => Assert.NotEmpty(m.GetProperty("reason").GetString()!));
        var stats = await http.GetFromJsonAsync<JsonElement>("/api/ingest/sqs");
        Assert.Equal(3, stats.GetProperty("poison").GetInt64());
        using var metrics = new Diagnostics.MetricsRecorder(collector.Services); // the same counts as the collector's metrics
        Assert.Equal(3, metrics.Observe("threadedlogging.collector.sqs.messages", ("outcome", "poison")));
        Assert.Equal(1, metrics.Observe("threadedlogging.collector.sqs.messages", ("outcome", "stored")));
        Assert.Equal(4, metrics.Observe("threadedlogging.collector.sqs.messages", ("outcome", "deleted")));

        var stored = Assert.Single(await collector.AllEventsAsync());
        Assert.Equal(("fine", "carol", LogLevel.Error), (stored.Message, stored.User, stored.Level));
        Assert.Equal(0, await CountMessagesAsync(client, url));
    }

    [Fact]
    public async Task Ingest_QueueMissingAtStart_DrainedOnceCreated()
    {
        using var data = new TempDirectory();
        var name = $"later-{Guid.NewGuid():N}";
        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.Errors >= 1, new CancellationTokenSource(Budget).Token);

        using var client = sqs.CreateClient();
        await client.CreateQueueAsync(name);
        await using (var handler = new ThreadedAwsHandler(sqs.Options(name)))
        {
            handler.CreateLogger("Payroll").LogInformation("finally");
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(Budget).Token));
        }

        await collector.Statistics.WaitAsync(s => s.EventsStored >= 1, new CancellationTokenSource(Budget).Token);
        Assert.Equal("finally", Assert.Single(await collector.AllEventsAsync()).Message);
    }

    private static Dictionary<string, MessageAttributeValue> Format(string format) =>
        new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format } };

    /// <summary>Messages left in the queue, visible or in flight.</summary>
    private static async Task<int> CountMessagesAsync(Amazon.SQS.IAmazonSQS client, string url)
    {
        var attributes = await client.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
