using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.SQS;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Aws.Tests.Support;

namespace ThreadedLogging.Aws.Tests;

/// <summary>
/// Messages near a queue's size limit that the sink did not know (a send-only key cannot read MaximumMessageSize):
/// fauxqs refuses an entry over the queue's limit as SQS does ("Message must be shorter than 262144 bytes").
/// </summary>
public sealed class SqsMessageSizeTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private const int OldQueueLimit = 262_144;
    // A bound against a hang, not a speed check: megabytes of events through the SQS emulator on a machine shared by several
    // test runs (2 cores, load 55) took longer than the 60 s it was (Send_BatchLargerThanOneMessage_… failed so).
    private static readonly TimeSpan FlushBudget = TimeSpan.FromMinutes(5);

    private async Task<(ThreadedAwsHandlerOptions Options, RecordingSqsClient Client, string Url, ConcurrentQueue<string> SelfLog)> SendOnlyKeyToOldQueueAsync(string prefix)
    {
        var (name, url) = await sqs.CreateQueueAsync(prefix, new() { ["MaximumMessageSize"] = OldQueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var selfLog = new ConcurrentQueue<string>();
        var options = sqs.Options(name);
        options.Compress = false;
        options.MaxBatchBytes = 8 * 1024 * 1024;
        options.BatchSize = 1000;
        options.SelfLog = selfLog.Enqueue;
        var client = new RecordingSqsClient(sqs.ClientConfig())
        {
            FailQueueAttributes = new AmazonSQSException("not authorized to GetQueueAttributes", Amazon.Runtime.ErrorType.Sender, "AccessDenied", "req", HttpStatusCode.Forbidden),
        };
        return (options, client, url, selfLog);
    }

    [Fact]
    public async Task Send_EventJustOver256KiBAndABatchPastIt_CutAndSplitEveryEventDelivered()
    {
        var (options, client, url, selfLog) = await SendOnlyKeyToOldQueueAsync("over256");
        using (client)
        {
            await using (var handler = new ThreadedAwsHandler(options, client))
            {
                var log = handler.CreateLogger("Payroll");
                log.LogInformation("event before");
                log.LogInformation("event huge {Payload}", new string('x', OldQueueLimit));
                for (var i = 0; i < 5; i++)
                {
                    log.LogInformation("event {Number} {Payload}", i, Convert.ToHexString(RandomNumberGenerator.GetBytes(30_000))); // 5 x 60 KB: past 256 KiB together
                }

                log.LogInformation("event after");
                Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
                Assert.Equal((8L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
            }

            var messages = await QueueReader.DrainAsync(client, url);
            Assert.All(messages, m => Assert.InRange(m.Size, 1, OldQueueLimit));
            var events = QueueReader.Events(messages).Select(e => e.Message).Where(m => m.StartsWith("event ", StringComparison.Ordinal)).ToList();
            Assert.Equal(8, events.Count);
            Assert.Equal(8, events.Distinct().Count());
            Assert.Contains(events, e => e.StartsWith("event huge", StringComparison.Ordinal) && e.EndsWith("characters]", StringComparison.Ordinal));
            Assert.Single(selfLog, l => l.Contains("was larger than the receiver takes; sent again with its texts cut at 16384 characters", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Send_LimitUnreadable_TheFirstRefusalStatesItAndLaterBatchesArePackedUnderIt()
    {
        var (options, client, url, _) = await SendOnlyKeyToOldQueueAsync("learn");
        using (client)
        {
            await using (var handler = new ThreadedAwsHandler(options, client))
            {
                var log = handler.CreateLogger("Payroll");
                for (var batch = 0; batch < 3; batch++)
                {
                    for (var i = 0; i < 5; i++)
                    {
                        log.LogInformation("event {Number} {Payload}", (batch * 5) + i, Convert.ToHexString(RandomNumberGenerator.GetBytes(30_000)));
                    }

                    Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
                }

                Assert.Equal((15L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped));
                Assert.Equal(1, handler.Statistics.Failed); // the first batch's message, refused once: not every batch of 300 KB
            }

            var events = QueueReader.Events(await QueueReader.DrainAsync(client, url));
            Assert.Equal(15, events.Select(e => e.Sequence).Distinct().Count());
        }
    }

    [Fact]
    public async Task Send_EventOver256KiBEvenCut_DroppedAloneWithTheReasonAndTheRestDelivered()
    {
        var (options, client, url, selfLog) = await SendOnlyKeyToOldQueueAsync("evencut");
        using (client)
        {
            await using (var handler = new ThreadedAwsHandler(options, client))
            {
                var log = handler.CreateLogger("Payroll");
                log.LogInformation("event before");

                // 300 properties of 1,000 characters: no text is longer than the shortest cut (1 KiB), so cutting leaves 300 KB.
                var wide = Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, object?>($"P{i}", new string((char)('a' + (i % 26)), 1000))).ToList();
                log.Log(LogLevel.Information, default, wide, null, (_, _) => "event wide");
                log.LogInformation("event after");
                Assert.True(await handler.FlushAsync(new CancellationTokenSource(FlushBudget).Token));
                Assert.Equal((2L, 1L), (handler.Statistics.Sent, handler.Statistics.Dropped));
            }

            var events = QueueReader.Events(await QueueReader.DrainAsync(client, url)).Select(e => e.Message).ToList();
            Assert.Equal(["event before", "event after"], events.Where(m => m.StartsWith("event ", StringComparison.Ordinal)));
            var line = Assert.Single(selfLog, l => l.Contains("1 event refused by the receiver (TooLarge) and dropped", StringComparison.Ordinal));
            Assert.Contains("262144", line, StringComparison.Ordinal);
        }
    }
}
