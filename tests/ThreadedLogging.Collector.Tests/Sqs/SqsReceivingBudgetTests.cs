using System.Text;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Adversarial;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// HTTP bodies and OTLP/gRPC messages are held within <c>Collector:MaxReceivingBytes</c>; an SQS message was not: a
/// <c>+gzip</c> message was gunzipped (up to MaxRequestBodyBytes) outside it, so the receivers of a queue could hold
/// receivers × MaxRequestBodyBytes whatever the budget said. Its bytes are now taken from the budget, the queue a sender of its
/// own, until its commit; one that does not fit is left in the queue (not set aside) and stored once the budget frees, and
/// the receives that left it do not count toward <c>MaxReceiveCount</c>.
/// </summary>
public sealed class SqsReceivingBudgetTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    /// <summary>A budget of 256 KiB (4 × MaxRequestBodyBytes, the smallest), the HTTP bodies held open while the test wants.</summary>
    private static readonly Dictionary<string, string> SmallBudget = new()
    {
        ["Collector:MaxRequestBodyBytes"] = "65536",
        ["Collector:MaxEventBytes"] = "65536",
        ["Collector:MaxReceivingBytes"] = "262144",
        ["Collector:MinRequestBodyBytesPerSecond"] = "0",
        ["Collector:RequestBodyTimeout"] = "00:10:00",
        ["Collector:OverloadRetryAfter"] = "00:00:01",
    };

    [Fact]
    public async Task Ingest_GzipMessageInflatingPastWhatTheBudgetHasLeft_LeftInTheQueueNotSetAside_StoredOnceWhenItFrees()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("budget");
        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name, new(SmallBudget) { ["Collector:Sqs:MaxReceiveCount"] = "1" });
        var budget = collector.Services.GetRequiredService<BodyBudget>();
        var held = new List<RawHttp>();
        try
        {
            // Three bodies of 60,000 bytes (arrays of 64 KiB) and one of 30,000 (32 KiB) being received: 32 KiB of the budget left,
            // room for the message's compressed bytes but not for the 50,000 they inflate to.
            foreach (var bytes in new[] { 60_000, 60_000, 60_000, 30_000 })
            {
                held.Add(await StartBodyAsync(collector, bytes));
            }

            Assert.Equal(229_376, budget.InUse);
            var events = Enumerable.Range(0, 50).Select(i => $"{{\"message\":\"zipped {i} {new string('x', 950)}\"}}");
            var envelope = Encoding.UTF8.GetBytes($"{{\"events\":[{string.Join(',', events)}]}}");
            Assert.InRange(envelope.Length, 32_769, 65_536);
            using var client = sqs.CreateClient();
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = Convert.ToBase64String(Http.Gzip(envelope)),
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = "json-batch+gzip" } },
            });

            await collector.Statistics.WaitAsync(s => s.Overloaded >= 1 || s.Stored + s.Poison >= 1, new CancellationTokenSource(Budget).Token);
            var left = collector.Statistics.Snapshot();
            Assert.Equal((0L, 0L, 0L), (left.Stored, left.Poison, left.Deleted));
            Assert.Empty(await collector.AllEventsAsync());

            foreach (var connection in held)
            {
                await connection.SendAsync(ReceivingBudgetTests.Lines(connection == held[^1] ? 30_000 : 60_000));
                var (status, head, body) = await connection.ReadResponseAsync();
                Assert.True(status == 200, head + body);
            }

            await collector.Statistics.WaitAsync(s => s.Stored >= 1 && s.Deleted >= 1, new CancellationTokenSource(Budget).Token);
            var stored = (await collector.AllEventsAsync()).Where(e => e.Message.StartsWith("zipped ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"zipped {i} {new string('x', 950)}").Order(), stored.Select(e => e.Message).Order());
            var done = collector.Statistics.Snapshot();
            Assert.Equal((1L, 0L, 0L, 1L), (done.Stored, done.Duplicates, done.Poison, done.Deleted));
            Assert.Equal(0, (await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None)).Count);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// SQS counts every receive in ApproximateReceiveCount, those that left a message for the budget too: a message left while
    /// the budget was spent, then failing once, was set aside at that first failure (MaxReceiveCount 2). It is now set aside at
    /// its second failure, as one never left.
    /// </summary>
    [Fact]
    public async Task Ingest_MessageLeftForTheBudgetThenFailing_SetAsideAfterMaxReceiveCountTriesNotReceives()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("budgetcount");
        await using var collector = await SqsCollectorHost.StartAsync(
            sqs, data.Path, name,
            new(SmallBudget) { ["Collector:Sqs:MaxReceiveCount"] = "2", ["Collector:Sqs:VisibilityTimeoutSeconds"] = "1" },
            configureServices: services => services.AddSingleton<IEventDecoder>(new DefectiveDecoder()));
        var held = new List<RawHttp>();
        try
        {
            // The whole budget held: not even the message's 2 bytes fit.
            for (var i = 0; i < 4; i++)
            {
                held.Add(await StartBodyAsync(collector, 60_000));
            }

            Assert.Equal(262_144, collector.Services.GetRequiredService<BodyBudget>().InUse);
            using var client = sqs.CreateClient();
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = "{}",
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = DefectiveDecoder.Format } },
            });
            await collector.Statistics.WaitAsync(s => s.Overloaded >= 1 || s.Errors + s.Poison >= 1, new CancellationTokenSource(Budget).Token);
            Assert.Equal((0L, 0L), (collector.Statistics.Snapshot().Errors, collector.Statistics.Snapshot().Poison));

            foreach (var connection in held)
            {
                await connection.SendAsync(ReceivingBudgetTests.Lines(60_000));
                Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
            }

            await collector.Statistics.WaitAsync(s => s.Poison >= 1 && s.Deleted >= 1, new CancellationTokenSource(Budget).Token);
            Assert.Equal(2, collector.Statistics.Snapshot().Errors); // decoded twice: left once after its first failure
            var (count, poison) = await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None);
            Assert.Equal(1, count);
            Assert.Equal("not decoded after 2 tries: internal error (NullReferenceException) decoding defective-format", Assert.Single(poison).Reason);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// A message's own bytes (not gzip'd) were not held to MaxRequestBodyBytes, as an HTTP body's are (413): now that they are taken
    /// from the budget, one larger than its queue's share would never fit and be left in the queue for ever. It is set aside,
    /// naming the setting, and the one sent with it is stored.
    /// </summary>
    [Fact]
    public async Task Ingest_MessageOverMaxRequestBodyBytes_SetAsideNamingTheSetting()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("budgetcap");
        var large = $"{{\"events\":[{{\"message\":\"too large\"}}],\"padding\":\"{new string(' ', 1100)}\"}}";
        using var client = sqs.CreateClient();
        await client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries =
            [
                new() { Id = "0", MessageBody = large },
                new() { Id = "1", MessageBody = """{"events":[{"message":"small enough"}]}""" },
            ],
        });

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name, new()
        {
            ["Collector:MaxRequestBodyBytes"] = "1024",
            ["Collector:MaxEventBytes"] = "1024",
            ["Collector:MaxReceivingBytes"] = "4096",
        });
        await collector.Statistics.WaitAsync(s => s.Deleted >= 2, new CancellationTokenSource(Budget).Token);

        Assert.Equal(["small enough"], (await collector.AllEventsAsync()).Select(e => e.Message));
        var (count, poison) = await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None);
        Assert.Equal(1, count);
        Assert.Equal($"message is {Encoding.UTF8.GetByteCount(large)} bytes; the limit is 1024 (Collector:MaxRequestBodyBytes)", Assert.Single(poison).Reason);
    }

    /// <summary>Sends a head announcing <paramref name="bytes"/> and waits for the 100 Continue: the collector holds its buffer.</summary>
    private static async Task<RawHttp> StartBodyAsync(SqsCollectorHost collector, int bytes)
    {
        var address = new Uri(collector.BaseUrl);
        var raw = await RawHttp.ConnectAsync(address);
        await raw.SendAsync(RawHttp.Head("POST", "/log/held", address, "Content-Type: application/x-ndjson", "Content-Length: " + bytes, "Expect: 100-continue"));
        Assert.Equal(100, (await raw.ReadResponseAsync()).Status);
        return raw;
    }

    /// <summary>A fake only for a fault nothing real can make: a decoder with a bug (DecoderDefectTests').</summary>
    private sealed class DefectiveDecoder : IEventDecoder
    {
        public const string Format = "defective-format";

        public string Name => Format;

        public bool IsText => true;

        public DecodedBatch Decode(IngestRequest request, IngestLimits limits) => throw new NullReferenceException("a parser bug");
    }
}
