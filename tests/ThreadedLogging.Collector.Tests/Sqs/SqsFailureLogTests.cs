using Amazon.SQS.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Clef;
using ThreadedLogging.Collector.Ingest.Formats.Otlp;
using ThreadedLogging.Collector.Ingest.Sqs;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A message the store failed to take (event 103) or a decoder failed on (107, a defect) was an Error line of its own:
/// while the store fails, every message of the queue fails the same way, and the collector's log filled with a line and
/// a stack trace per message. At most one a minute per queue and kind of failure (the step and the exception's type), the
/// next saying how many were left out; the statistics count each. fauxqs, the real consumer, a fake clock.
/// </summary>
public sealed class SqsFailureLogTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    [Fact]
    public async Task Run_StoreRefusesTenMessages_OneLineThenOneSayingNineLeftOut()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("storefaillines");
        using var client = sqs.CreateClient();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);

        // A real fault: the store's own SQLite refuses every insert with an error it takes for a defect (a constraint), not
        // for unavailability (which leaves the message untried and is said by the write state).
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            await other.OpenAsync();
            await using var command = other.CreateCommand();
            command.CommandText = "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END";
            await command.ExecuteNonQueryAsync();
        }

        var lines = await RunAsync(client, url, name, time, data.Path, store, new SqsMessageDecoder(IngestDecoders.Create(new())), null, "Storing SQS message");

        Assert.True(lines.First.Count == 1, string.Join('\n', lines.First)); // before: 10, a line per message
        Assert.EndsWith("failed (try 1); it stays in the queue (0 more of this queue's messages failed with this error since the last such line, at most one a minute)", lines.First[0], StringComparison.Ordinal);
        Assert.Contains("(9 more of this queue's messages failed with this error since", lines.Second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DecoderDefectOnTenMessages_OneLineThenOneSayingNineLeftOut()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("defectlines");
        using var client = sqs.CreateClient();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance); // nothing reaches it
        await store.InitializeAsync(CancellationToken.None);

        // A fake only for a fault nothing real can make: a decoder with a bug.
        var identity = new IdentityPropertyOptions();
        var otlp = new OtlpLogMapper(identity);
        var decoders = new IngestDecoders(new ClefDecoder(identity), new SeqJsonDecoder(identity), new OtlpProtobufDecoder(otlp), new OtlpJsonDecoder(otlp), [new DecoderDefectTests.DefectiveDecoder()]);
        var lines = await RunAsync(client, url, name, time, data.Path, store, new SqsMessageDecoder(decoders), DecoderDefectTests.DefectiveDecoder.Format, "Decoding SQS message");

        Assert.True(lines.First.Count == 1, string.Join('\n', lines.First)); // before: 10, a line per message
        Assert.EndsWith("as defective-format failed (try 1): a defect; it stays in the queue (0 more of this queue's messages failed with this error since the last such line, at most one a minute)", lines.First[0], StringComparison.Ordinal);
        Assert.Contains("(9 more of this queue's messages failed with this error since", lines.Second, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends ten messages (of <paramref name="format"/>, or none), runs the consumer until each is set aside (MaxReceiveCount
    /// 1), then a minute later one more: the lines starting <paramref name="prefix"/> after the ten, and the one after the minute.
    /// </summary>
    private async Task<(List<string> First, string Second)> RunAsync(
        Amazon.SQS.IAmazonSQS client, string url, string name, FakeTimeProvider time, string dataPath, SqliteEventStore store, SqsMessageDecoder decoder, string? format, string prefix)
    {
        await client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [.. Enumerable.Range(0, 10).Select(i => Entry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), format))],
        });
        var options = new SqsIngestOptions { ReceiversPerQueue = 1, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 30, MaxReceiveCount = 1 };
        await using var run = await SqsConsumerRun.StartAsync(sqs, client, name, dataPath, time, store, options: options, decoder: decoder);
        await run.WaitAsync(s => s.Poison >= 10);
        var first = Lines(run.Log, prefix);

        time.Advance(TimeSpan.FromMinutes(1));
        await client.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = [Entry("10", format)] });
        await run.WaitAsync(s => s.Poison >= 11);
        await run.StopAsync();

        var all = Lines(run.Log, prefix);
        Assert.True(all.Count == first.Count + 1, run.Log.Text());
        Assert.Equal(11, run.Statistics.Snapshot().Errors); // each failure still counted
        Assert.All(run.Log.Entries.Where(e => e.Message.StartsWith(prefix, StringComparison.Ordinal)), e => Assert.NotNull(e.Exception));
        return (first, all[^1]);
    }

    private static SendMessageBatchRequestEntry Entry(string id, string? format) => new()
    {
        Id = id,
        MessageBody = """{"msg":"kept aside","levelno":20}""",
        MessageAttributes = format is null ? [] : new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format } },
    };

    private static List<string> Lines(CollectingLoggerProvider log, string prefix) =>
        [.. log.Entries.Where(e => e.Message.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Message)];
}
