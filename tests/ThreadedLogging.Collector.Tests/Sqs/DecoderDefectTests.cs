using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A decoder's defect (an exception other than a refusal; over HTTP a 500) went up to the receive loop: the message was never
/// set aside and came back forever, and the messages received with it were never deleted. It is now that one message's
/// failure: set aside once received <c>MaxReceiveCount</c> times, the others stored and deleted.
/// </summary>
public sealed class DecoderDefectTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ingest_DecoderDefect_MessageSetAsideAfterMaxReceiveCount_TheOneReceivedWithItStoredAndDeleted()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("defect");
        using var client = sqs.CreateClient();
        await client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries =
            [
                Entry("0", DefectiveDecoder.Format, "{}"),
                Entry("1", "json-batch", """{"events":[{"message":"received beside a defect"}]}"""),
            ],
        });

        // A fake only for a fault nothing real can make: a decoder with a bug.
        await using var collector = await SqsCollectorHost.StartAsync(
            sqs, data.Path, name, new() { ["Collector:Sqs:MaxReceiveCount"] = "1" },
            configureServices: services => services.AddSingleton<IEventDecoder>(new DefectiveDecoder()));
        await collector.Statistics.WaitAsync(s => s.Poison >= 1 && s.Deleted >= 2, new CancellationTokenSource(Budget).Token);

        Assert.Equal(["received beside a defect"], (await collector.AllEventsAsync()).Select(e => e.Message));
        var (count, poison) = await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None);
        Assert.Equal(1, count);
        Assert.Equal("not decoded after 1 try: internal error (NullReferenceException) decoding defective-format", Assert.Single(poison).Reason);
        Assert.Equal("{}", poison[0].Body);
        Assert.Equal((2, 1, 1), (collector.Statistics.Snapshot().Deleted, collector.Statistics.Snapshot().Stored, collector.Statistics.Snapshot().Errors));
    }

    private static SendMessageBatchRequestEntry Entry(string id, string format, string body) => new()
    {
        Id = id,
        MessageBody = body,
        MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format } },
    };

    /// <summary>A decoder with a bug: every message it is given throws (also SqsFailureLogTests').</summary>
    internal sealed class DefectiveDecoder : IEventDecoder
    {
        public const string Format = "defective-format";

        public string Name => Format;

        public bool IsText => true;

        public DecodedBatch Decode(IngestRequest request, IngestLimits limits) => throw new NullReferenceException("a parser bug");
    }
}
