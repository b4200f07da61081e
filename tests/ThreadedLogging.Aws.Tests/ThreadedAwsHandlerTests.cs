using System.Net;
using System.Security.Cryptography;
using Amazon.SQS;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

/// <summary>End to end: app → ThreadedAwsHandler → fauxqs → read back with the SDK.</summary>
public sealed class ThreadedAwsHandlerTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    // A bound against a hang, not a speed check: megabytes of events through the SQS emulator on a machine shared by several
    // test runs (2 cores, load 55) took longer than the 60 s it was (Send_BatchLargerThanOneMessage_… failed so).
    private static readonly TimeSpan FlushBudget = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Log_ManyEvents_EachArrivesExactlyOnce()
    {
        var (name, url) = await sqs.CreateQueueAsync("e2e");
        await using var handler = new ThreadedAwsHandler("test", "test", name, revision: 7, sqs.Options("ignored"));
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 1234; i++)
        {
            log.LogInformation("event {Number}", i);
        }

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        using var client = sqs.CreateClient();
        var messages = await QueueReader.DrainAsync(client, url);

        var events = QueueReader.Events(messages).Where(e => e.Message.StartsWith("event ", StringComparison.Ordinal)).ToList();
        Assert.Equal(1234, events.Count);
        Assert.Equal(1234, events.Select(e => e.Message).Distinct().Count());
        Assert.All(events, e => Assert.Equal(handler.Identity.InstanceId, e.InstanceId));
        Assert.All(messages, m => Assert.StartsWith(SqsMessageAttributes.JsonBatchFormat, m.Format, StringComparison.Ordinal));
        Assert.Equal(messages.Count, messages.Select(m => m.DedupeId).Distinct().Count());
        Assert.Equal(1234, handler.Statistics.Sent);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Log_CompressibleBatch_SentGzippedAndBase64()
    {
        var (name, url) = await sqs.CreateQueueAsync("gzip");
        await using var handler = new ThreadedAwsHandler(sqs.Options(name));
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 200; i++)
        {
            log.LogInformation("a rather repetitive message about order {Number} shipped to the same warehouse", i);
        }

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        using var client = sqs.CreateClient();
        var messages = await QueueReader.DrainAsync(client, url);

        Assert.All(messages, m => Assert.Equal(SqsMessageAttributes.JsonBatchGzipFormat, m.Format));
        Assert.Equal(200, QueueReader.Events(messages).Count(e => e.Message.StartsWith("a rather", StringComparison.Ordinal)));
        Assert.All(messages, m => Assert.True(m.Size < m.Json.Length, "the compressed body is smaller than the JSON"));
    }

    [Fact]
    public async Task Log_SeedRecordFormat_OneRecordPerMessageWithUserAndRevision()
    {
        var (name, url) = await sqs.CreateQueueAsync("seed");
        var options = sqs.Options(name);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        await using var handler = new ThreadedAwsHandler("test", "test", name, revision: 42, options);
        handler.CreateLogger("camelot.view").LogWarning("disk {Percent}% full", 93);

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        using var client = sqs.CreateClient();
        var message = Assert.Single(await QueueReader.DrainAsync(client, url));

        Assert.Equal(SqsMessageAttributes.SeedRecordFormat, message.Format);
        using var record = System.Text.Json.JsonDocument.Parse(message.Json);
        Assert.Equal("alice", record.RootElement.GetProperty("user").GetString());
        Assert.Equal(42, record.RootElement.GetProperty("revision").GetInt32());
        Assert.Equal("camelot.view", record.RootElement.GetProperty("name").GetString());
        Assert.Equal("disk 93% full", record.RootElement.GetProperty("msg").GetString());
        Assert.Equal("WARNING", record.RootElement.GetProperty("levelname").GetString());
        Assert.Equal(30, record.RootElement.GetProperty("levelno").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, record.RootElement.GetProperty("created").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, record.RootElement.GetProperty("exc_info").ValueKind);
        Assert.Equal("PC-042", record.RootElement.GetProperty("machine").GetString());
        Assert.Equal(handler.Identity.InstanceId, record.RootElement.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Send_QueueMissingAtStart_RetriesAndDeliversOnceCreated()
    {
        var name = $"late-{Guid.NewGuid():N}";
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = sqs.Options(name);
        options.SelfLog = line =>
        {
            if (line.Contains("does not exist", StringComparison.Ordinal))
            {
                failed.TrySetResult();
            }
        };
        await using var handler = new ThreadedAwsHandler(options);
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 30; i++)
        {
            log.LogInformation("event {Number}", i);
        }

        _ = handler.FlushAsync();
        await failed.Task.WaitAsync(FlushBudget);
        Assert.Contains("does not exist", handler.Statistics.LastError, StringComparison.Ordinal);

        using var client = sqs.CreateClient();
        var url = (await client.CreateQueueAsync(name)).QueueUrl;
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(30, events.Count(e => e.Message.StartsWith("event ", StringComparison.Ordinal)));
        Assert.True(handler.Statistics.Retried >= 1);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Send_SeedRecords_PacksTenEntriesPerCall()
    {
        var (name, url) = await sqs.CreateQueueAsync("ten");
        var options = sqs.Options(name);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        using var client = new RecordingSqsClient(sqs.ClientConfig());
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 25; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        }

        Assert.Equal([10, 10, 5], client.BatchCalls.Select(c => c.Entries));
        Assert.Equal(25, (await QueueReader.DrainAsync(client, url)).Count);
    }

    [Fact]
    public async Task Send_BatchLargerThanOneMessage_SplitsWithinThePayloadLimit()
    {
        var (name, url) = await sqs.CreateQueueAsync("big");
        var options = sqs.Options(name);
        options.Compress = false;
        options.MaxBatchBytes = 16 * 1024 * 1024;
        options.BatchSize = 1000;
        using var client = new RecordingSqsClient(sqs.ClientConfig());
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 60; i++)
            {
                log.LogInformation("event {Number} {Payload}", i, Convert.ToHexString(RandomNumberGenerator.GetBytes(50_000)));
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            Assert.Equal(0, handler.Statistics.Dropped);
        }

        var messages = await QueueReader.DrainAsync(client, url);
        Assert.True(messages.Count >= 6, "6 MB of events need at least 6 messages");
        Assert.All(client.BatchCalls, c => Assert.InRange(c.Bytes, 1, SqsLimits.MaxPayloadBytes));
        Assert.All(client.BatchCalls, c => Assert.InRange(c.Entries, 1, 10));
        var events = QueueReader.Events(messages).Where(e => e.Message.StartsWith("event ", StringComparison.Ordinal)).ToList();
        Assert.Equal(60, events.Count);
        Assert.Equal(60, events.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Send_QueueWithOldSizeLimit_MessagesStayUnderIt()
    {
        var (name, url) = await sqs.CreateQueueAsync("old", new() { ["MaximumMessageSize"] = "262144" });
        var options = sqs.Options(name);
        options.Compress = false;
        options.MaxBatchBytes = 4 * 1024 * 1024;
        using var client = new RecordingSqsClient(sqs.ClientConfig());
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 20; i++)
            {
                log.LogInformation("event {Number} {Payload}", i, Convert.ToHexString(RandomNumberGenerator.GetBytes(20_000)));
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        }

        var messages = await QueueReader.DrainAsync(client, url);
        Assert.All(messages, m => Assert.True(m.Size <= 262_144));
        Assert.Equal(20, QueueReader.Events(messages).Count(e => e.Message.StartsWith("event ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Send_EventLargerThanAnyMessage_SentAgainWithItsTextsCut()
    {
        var (name, url) = await sqs.CreateQueueAsync("huge");
        var options = sqs.Options(name);
        options.Compress = false;
        options.MaxBatchBytes = 8 * 1024 * 1024;
        await using var handler = new ThreadedAwsHandler(options);
        var log = handler.CreateLogger("Payroll");
        log.LogInformation("event before");
        log.LogInformation("event huge {Payload}", new string('x', SqsLimits.MaxPayloadBytes + 10));
        log.LogInformation("event after");

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(3, handler.Statistics.Sent);
        using var client = sqs.CreateClient();
        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url)).Select(e => e.Message).ToList();
        Assert.Contains("event before", events);
        Assert.Contains("event after", events);
        var huge = Assert.Single(events, e => e.StartsWith("event huge", StringComparison.Ordinal));
        Assert.EndsWith($"… [truncated from {"event huge ".Length + SqsLimits.MaxPayloadBytes + 10} characters]", huge, StringComparison.Ordinal);
        Assert.Equal(16 * 1024, huge.IndexOf('…', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_EntryFailsInsideSuccessfulCall_RetriedAloneAndStoredOnce()
    {
        var (name, url) = await sqs.CreateQueueAsync("entry");
        var options = sqs.Options(name);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        using var client = new RecordingSqsClient(sqs.ClientConfig()) { FailEntry = (call, entry) => call == 1 && entry.Id is "3" or "7" };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 10; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            Assert.Equal(10, handler.Statistics.Sent);
            Assert.Equal(0, handler.Statistics.Failed);
        }

        Assert.Equal(2, client.SingleSends.Count);
        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(10, events.Count);
        Assert.Equal(10, events.Select(e => e.Sequence).Distinct().Count());
    }

    [Theory]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, 10, 0)]
    [InlineData("InvalidMessageContents", HttpStatusCode.BadRequest, 9, 1)]
    public async Task Send_EntryFailsInCallAndAlone_OnlyWhatSqsRefusedIsResentOrDropped(string code, HttpStatusCode status, int sent, int dropped)
    {
        // Entry 3 of 10 fails in the call and again alone (a 500: retried later; refused contents: dropped). SQS
        // accepted entries 4..9 in that same call: they are delivered, not sent again.
        var (name, url) = await sqs.CreateQueueAsync("entryalone");
        var options = sqs.Options(name);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        Exception fault = code == "InvalidMessageContents"
            ? new Amazon.SQS.Model.InvalidMessageContentsException("injected") { ErrorCode = code, StatusCode = status }
            : new AmazonSQSException("injected", Amazon.Runtime.ErrorType.Receiver, code, "req", status);
        var singleSends = 0;
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailEntry = (call, entry) => call == 1 && entry.Id == "3",
            FailSingle = _ => Interlocked.Increment(ref singleSends) == 1 ? fault : null,
        };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 10; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            Assert.Equal(sent, handler.Statistics.Sent);
            Assert.Equal(dropped, handler.Statistics.Dropped);
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(sent, events.Count);
        Assert.Equal(sent, events.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(sent, client.BatchCalls.Sum(c => c.Entries)); // each accepted entry reached the server once
        Assert.Equal(1, singleSends);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_SqsFailsOnOneEventEveryTime_ItIsIsolatedAndDroppedTheOthersDelivered(bool asEntry)
    {
        // SQS answers 500 (InternalError) to every request that carries one event, as an entry of a successful call and
        // again alone, or to the whole call: retried as it was, that one event held back every event after it, forever.
        // The HTTP sink's rule: after 5 such answers in a row the events are split to find it, and it alone is dropped.
        // (fauxqs makes only the sender's faults: the 500 is injected.)
        var (name, url) = await sqs.CreateQueueAsync("fivehundred");
        var options = sqs.Options(name);
        (options.MessageFormat, options.Compress) = (SqsMessageFormat.SeedRecord, false); // the fault finds the event in the body
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        options.SelfLog = selfLog.Enqueue;
        static bool Poison(string body) => body.Contains("event 3", StringComparison.Ordinal);
        static Exception Fault() => new AmazonSQSException("We encountered an internal error.", Amazon.Runtime.ErrorType.Receiver, "InternalError", "req", HttpStatusCode.InternalServerError);
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailEntry = (_, entry) => asEntry && Poison(entry.MessageBody),
            FailSingle = request => asEntry && Poison(request.MessageBody) ? Fault() : null,
            FailBatchRequest = request => !asEntry && request.Entries.Any(e => Poison(e.MessageBody)) ? Fault() : null,
        };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 10; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            Assert.Equal((9L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped));
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(9, events.Count);
        Assert.DoesNotContain(events, e => e.Message == "event 3");
        Assert.Contains(selfLog, line => line.Contains("1 event dropped, as the receiver failed on it 5 times in a row (SQS call failed: InternalError (500)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest, "throttled")]
    [InlineData("RequestThrottled", HttpStatusCode.ServiceUnavailable, "throttled")]
    [InlineData("InvalidClientTokenId", HttpStatusCode.Forbidden, "credentials")]
    [InlineData("SignatureDoesNotMatch", HttpStatusCode.Forbidden, "credentials")]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, "failed")]
    [InlineData("KmsDisabled", HttpStatusCode.BadRequest, "KMS key")] // a 400, but of the queue's key, not of the events: kept and retried
    [InlineData("KMS.DisabledException", HttpStatusCode.BadRequest, "KMS key")]
    [InlineData("AWS.SimpleQueueService.RequestThrottled", HttpStatusCode.BadRequest, "throttled")] // the query protocol's code, as the SDK reports it
    public async Task Send_ServiceRefusesTwice_TransientRetriedThenDelivered(string code, HttpStatusCode status, string errorWords)
    {
        var (name, url) = await sqs.CreateQueueAsync("fault");
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailBatchCall = call => call <= 2 ? new AmazonSQSException("injected", Amazon.Runtime.ErrorType.Sender, code, "req", status) : null,
        };
        await using var handler = new ThreadedAwsHandler(sqs.Options(name), client);
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 5; i++)
        {
            log.LogInformation("event {Number}", i);
        }

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        var statistics = handler.Statistics;
        Assert.Equal(2, statistics.Failed);
        Assert.Equal(2, statistics.Retried);
        Assert.Equal(0, statistics.Dropped);
        Assert.Contains(errorWords, statistics.LastError, StringComparison.Ordinal);
        Assert.Equal(5, QueueReader.Events(await QueueReader.DrainAsync(client, url)).Count);
    }

    [Fact]
    public async Task Send_FifoQueue_GroupAndDeduplicationIdsSetAndEveryEventArrives()
    {
        var fifoName = $"fifo-{Guid.NewGuid():N}.fifo";
        using var client = sqs.CreateClient();
        var url = (await client.CreateQueueAsync(new Amazon.SQS.Model.CreateQueueRequest { QueueName = fifoName, Attributes = new() { ["FifoQueue"] = "true" } })).QueueUrl;
        var options = sqs.Options(fifoName);
        options.MessageFormat = SqsMessageFormat.SeedRecord;
        await using (var handler = new ThreadedAwsHandler(options))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 25; i++)
            {
                log.LogInformation("event {Number}", i);
            }

            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            Assert.Equal(0, handler.Statistics.Dropped);
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"event {i}"), events.Select(e => e.Message));
    }

    [Fact]
    public async Task Send_QueueUrlConfigured_NoLookupAndDelivered()
    {
        var (_, url) = await sqs.CreateQueueAsync("byurl");
        var options = sqs.Options("unused");
        options.QueueName = null;
        options.QueueUrl = url;
        using var client = new RecordingSqsClient(sqs.ClientConfig());
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            handler.CreateLogger("Payroll").LogInformation("event by url");
            Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        }

        Assert.Equal(0, client.QueueUrlLookups);
        Assert.Equal("event by url", Assert.Single(QueueReader.Events(await QueueReader.DrainAsync(client, url))).Message);
    }

    [Fact]
    public async Task Send_QueueByName_LookedUpOnceForManyBatches()
    {
        var (name, url) = await sqs.CreateQueueAsync("once");
        using var client = new RecordingSqsClient(sqs.ClientConfig());
        await using (var handler = new ThreadedAwsHandler(sqs.Options(name), client))
        {
            var log = handler.CreateLogger("Payroll");
            for (var i = 0; i < 3; i++)
            {
                log.LogInformation("event {Number}", i);
                Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
            }
        }

        Assert.Equal(1, client.QueueUrlLookups);
        Assert.Equal(3, client.BatchCalls.Count);
        Assert.Equal(3, QueueReader.Events(await QueueReader.DrainAsync(client, url)).Count);
    }

    [Fact]
    public async Task CreateLogger_OwnCategoriesNeverShippedAppsNamedLikeTheSdkAre()
    {
        // The SDK logs nothing through Microsoft.Extensions.Logging (see AwsLoggingBuilderExtensionsTests): an app's
        // categories that start like its namespaces are the app's.
        var (name, _) = await sqs.CreateQueueAsync("sdk");
        await using var handler = new ThreadedAwsHandler(sqs.Options(name));

        Assert.False(handler.CreateLogger("ThreadedLogging.Collector.Ingest.Sqs").IsEnabled(LogLevel.Critical));
        Assert.True(handler.CreateLogger("AmazonShop.Cart").IsEnabled(LogLevel.Information));
        Assert.True(handler.CreateLogger("Payroll").IsEnabled(LogLevel.Information));
    }
}
