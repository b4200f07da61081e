using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Aws.Tests;

/// <summary>
/// SQS refuses one entry of a call for its content (a sender fault, 400) and refuses it again when it is sent alone:
/// that event is dropped, counted and said ("refused by the receiver (Rejected)"), the others are delivered once. Before,
/// a 400 other than refused contents or size was retried as transient, forever, and held back every event after it.
/// The handler never writes such a request itself (its JSON escapes every character SQS refuses; it sets no delay), so
/// the test changes what the sink sends for one event; the emulator, fauxqs, makes the refusal.
/// </summary>
public sealed class SqsSenderFaultTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    // A bound against a hang, not a speed check: megabytes of events through the SQS emulator on a machine shared by several
    // test runs (2 cores, load 55) took longer than the 60 s it was (Send_BatchLargerThanOneMessage_… failed so).
    private static readonly TimeSpan FlushBudget = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("InvalidMessageContents", false)] // a character SQS refuses in the body
    [InlineData("InvalidParameterValue", true)] // DelaySeconds on a FIFO queue
    [InlineData("MissingParameter", true)] // no MessageGroupId on a FIFO queue
    public async Task Send_EntryRefusedInCallAndAlone_DroppedAloneTheOthersDeliveredOnce(string code, bool fifo)
    {
        var (name, url) = fifo ? await CreateFifoQueueAsync() : await sqs.CreateQueueAsync("sender");
        var options = sqs.Options(name);
        (options.MessageFormat, options.Compress) = (SqsMessageFormat.SeedRecord, false); // one event a message, found by its body
        var selfLog = new ConcurrentQueue<string>();
        options.SelfLog = selfLog.Enqueue;
        options.CaptureUnhandledExceptions = false;
        static bool Poison(string body) => body.Contains("\"event 3\"", StringComparison.Ordinal);
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            ChangeEntry = entry =>
            {
                if (Poison(entry.MessageBody))
                {
                    (entry.MessageBody, entry.DelaySeconds, entry.MessageGroupId) = Refusable(code, entry.MessageBody, entry.MessageGroupId);
                }
            },
            ChangeSingle = request =>
            {
                if (Poison(request.MessageBody))
                {
                    (request.MessageBody, request.DelaySeconds, request.MessageGroupId) = Refusable(code, request.MessageBody, request.MessageGroupId);
                }
            },
        };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var statistics = await LogTenAndFlushAsync(handler);
            Assert.Equal((9L, 1L, 0L), (statistics.Sent, statistics.Dropped, statistics.Pending));
            Assert.Contains(code, statistics.LastError, StringComparison.Ordinal);
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(9, events.Count);
        Assert.Equal(9, events.Select(e => e.Sequence).Distinct().Count()); // each once
        Assert.DoesNotContain(events, e => e.Message == "event 3");
        Assert.Equal(1, client.SingleSends.Count(Poison)); // refused in a call, then once alone: not again and again
        Assert.Single(selfLog, line => line.Contains($"1 event refused by the receiver (Rejected) and dropped: SQS refused the message: AWS.SimpleQueueService.{code} (400)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WholeCallRefusedWithA400_EventsKeptAndRetriedNotSplitAndDropped()
    {
        // A 400 of the whole SendMessageBatch call that is not about one message (an endpoint that does not support the
        // operation, a proxy's refusal) is every event's: split to lone events it would drop them all, one call each.
        // Injected: the emulator answers no such 400 to a call of ours. Five calls refused, then SQS takes them.
        var (name, url) = await sqs.CreateQueueAsync("whole-call");
        var options = sqs.Options(name);
        options.CaptureUnhandledExceptions = false;
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailBatchCall = call => call <= 5
                ? new AmazonSQSException("The operation is not supported here.", Amazon.Runtime.ErrorType.Sender, "AWS.SimpleQueueService.UnsupportedOperation", "req", System.Net.HttpStatusCode.BadRequest)
                : null,
        };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var statistics = await LogTenAndFlushAsync(handler);
            Assert.Equal((10L, 0L, 0L), (statistics.Sent, statistics.Dropped, statistics.Pending));
            Assert.Equal(5L, statistics.Failed);
        }

        var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
        Assert.Equal(10, events.Count);
        Assert.Equal(10, events.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Send_OutageWhoseMessageDiffersEachTime_OneSelfLogLineNotOneATry()
    {
        // AWS's words may differ at each refusal of one cause (a signature expired says its times): compared whole, each try of
        // the outage was a new reason, a self-log line each (as 1d2ff00 found for HTTP). Injected: the emulator's texts are
        // fixed. Five calls refused, each with other times, then SQS takes them.
        var (name, _) = await sqs.CreateQueueAsync("varying");
        var options = sqs.Options(name);
        options.CaptureUnhandledExceptions = false;
        var selfLog = new ConcurrentQueue<string>();
        options.SelfLog = selfLog.Enqueue;
        using var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailBatchCall = call => call <= 5
                ? new AmazonSQSException($"Signature expired: 20261207T0424{call:00}Z is now earlier than 20261207T0425{call:00}Z (20261207T0430{call:00}Z - 5 min.)", Amazon.Runtime.ErrorType.Sender, "SignatureDoesNotMatch", "req", System.Net.HttpStatusCode.Forbidden)
                : null,
        };
        await using (var handler = new ThreadedAwsHandler(options, client))
        {
            var statistics = await LogTenAndFlushAsync(handler);
            Assert.Equal((10L, 5L), (statistics.Sent, statistics.Failed));
        }

        // Before: five lines, 'Sending 10 events failed: SQS (or a proxy on the way) refused the credentials: SignatureDoesNotMatch (403): Signature expired: …01Z …', …02Z …
        Assert.Single(selfLog, line => line.Contains("Sending 10 events failed: SQS (or a proxy on the way) refused the credentials: SignatureDoesNotMatch (403): Signature expired", StringComparison.Ordinal));
        Assert.Single(selfLog, line => line.Contains("Sending works again after 5 failed attempts", StringComparison.Ordinal));
    }

    /// <summary>Logs "event 0" … "event 9", flushes within the budget, and returns the handler's counts.</summary>
    private static async Task<ThreadedHandlerStatistics> LogTenAndFlushAsync(ThreadedAwsHandler handler)
    {
        var log = handler.CreateLogger("Payroll");
        for (var i = 0; i < 10; i++)
        {
            log.LogInformation("event {Number}", i);
        }

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
        return handler.Statistics;
    }

    /// <summary>What SQS refuses with <paramref name="code"/>: the message's body, delay and group as changed.</summary>
    private static (string Body, int? DelaySeconds, string? GroupId) Refusable(string code, string body, string? groupId) => code switch
    {
        "InvalidMessageContents" => (body + "\uFFFF", null, groupId),
        "InvalidParameterValue" => (body, 5, groupId),
        _ => (body, null, null),
    };

    private async Task<(string Name, string Url)> CreateFifoQueueAsync()
    {
        var name = $"sender-{Guid.NewGuid():N}.fifo";
        using var client = sqs.CreateClient();
        var response = await client.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = new() { ["FifoQueue"] = "true" } });
        return (name, response.QueueUrl);
    }
}
