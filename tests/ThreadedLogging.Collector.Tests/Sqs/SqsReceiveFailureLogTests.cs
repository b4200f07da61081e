using Amazon.SQS.Model;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A receive that failed (event 101: a queue that does not exist, refused or missing AWS keys, SQS unreachable) was a
/// Warning line of its own, every <c>RetryDelay</c> per receiver, for as long as it lasted: a collector started without the
/// queue's keys wrote 14 lines of 7 in 30 s. At most one a minute per queue and kind of failure now, the next saying how
/// many were left out, and the first receive that works after more than one failure says so (event 109). fauxqs, the
/// real consumer, a fake clock.
/// </summary>
public sealed class SqsReceiveFailureLogTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Run_QueueMissingFor21Receives_OneLineAMinuteSayingHowManyLeftOut_ThenWorksAgain()
    {
        using var data = new TempDirectory();
        using var client = sqs.CreateClient();
        var name = $"missing-{Guid.NewGuid():N}";
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, RetryDelay = RetryDelay };

        // 20 failed receives within 19 s: each waits RetryDelay, armed after its line, before the next.
        var armed = time.Armed(RetryDelay);
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, data.Path, time, options: options);
        await armed.WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 1; i < 20; i++)
        {
            armed = time.Armed(RetryDelay);
            time.Advance(RetryDelay);
            await armed.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var first = Lines(run.Log, "Receiving from SQS queue");
        Assert.True(first.Count == 1, run.Log.Text()); // before: 20, a line per receive
        Assert.StartsWith($"Receiving from SQS queue {name} failed; retrying in 00:00:01: QueueDoesNotExistException", first[0], StringComparison.Ordinal);
        Assert.EndsWith("(0 more receives failed so since the last such line, at most one a minute)", first[0], StringComparison.Ordinal);
        Assert.Equal(20, run.Statistics.Snapshot().Errors); // each still counted

        // A minute on, the 21st failure is said with the 19 left out.
        armed = time.Armed(RetryDelay);
        time.Advance(TimeSpan.FromMinutes(1));
        await armed.WaitAsync(TimeSpan.FromSeconds(60));
        var second = Lines(run.Log, "Receiving from SQS queue");
        Assert.True(second.Count == 2, run.Log.Text());
        Assert.EndsWith("(19 more receives failed so since the last such line, at most one a minute)", second[1], StringComparison.Ordinal);

        // The queue made, the next receive works and says so; the message sent meanwhile is stored.
        var url = (await client.CreateQueueAsync(new CreateQueueRequest { QueueName = name })).QueueUrl;
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = """{"msg":"back","levelno":20}""" });
        time.Advance(RetryDelay);
        await run.WaitAsync(s => s.Stored >= 1);
        await run.StopAsync();

        var worked = Lines(run.Log, "Receiving from SQS queue").Skip(2).ToList();
        Assert.True(worked.Count == 1, run.Log.Text());
        Assert.StartsWith($"Receiving from SQS queue {name} works again after 21 failed receives since ", worked[0], StringComparison.Ordinal);
    }

    private static List<string> Lines(CollectingLoggerProvider log, string prefix) =>
        [.. log.Entries.Where(e => e.Message.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Message)];
}
