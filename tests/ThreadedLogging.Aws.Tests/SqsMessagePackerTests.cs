using ThreadedLogging.Aws.Tests.Support;

namespace ThreadedLogging.Aws.Tests;

public sealed class SqsMessagePackerTests
{
    [Fact]
    public async Task Pack_SameBatchTwice_SameBodiesAndDedupeIds()
    {
        var packer = new SqsMessagePacker(SqsMessageFormat.JsonBatch, compress: true, revision: 0);
        var (id, first, second) = await CapturingSink.InspectBatchAsync(
            b => (b.Id, packer.Pack(b, 64 * 1024), packer.Pack(b, 64 * 1024)),
            [.. Enumerable.Range(0, 300).Select(i => $"event {i} {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(500))}")]);

        Assert.True(first.Messages.Count > 1);
        Assert.Equal(first.Messages.Select(m => m.DedupeId), second.Messages.Select(m => m.DedupeId));
        Assert.Equal(first.Messages.Select(m => m.Body), second.Messages.Select(m => m.Body));
        Assert.Equal(first.Messages.Select((_, i) => $"{id}-{i}"), first.Messages.Select(m => m.DedupeId));
        Assert.Equal(300, first.Messages.Sum(m => m.EventCount));
        Assert.All(first.Messages, m => Assert.InRange(m.Size, 1, 64 * 1024));
    }

    [Fact]
    public async Task Pack_SmallJsonBatch_OnePlainMessageWhoseEnvelopeIdIsTheDedupeId()
    {
        var packer = new SqsMessagePacker(SqsMessageFormat.JsonBatch, compress: true, revision: 0);
        var result = await CapturingSink.InspectBatchAsync(b => packer.Pack(b, 1_048_576), "hello");

        var message = Assert.Single(result.Messages);

        Assert.Equal(SqsMessageAttributes.JsonBatchFormat, message.Format);
        using var json = System.Text.Json.JsonDocument.Parse(message.Body);
        Assert.Equal(message.DedupeId, json.RootElement.GetProperty("batchId").GetString());
    }

    [Fact]
    public async Task Pack_SeedRecords_OneMessagePerEventInOrder()
    {
        var packer = new SqsMessagePacker(SqsMessageFormat.SeedRecord, compress: true, revision: 3);
        var result = await CapturingSink.InspectBatchAsync(b => packer.Pack(b, 1_048_576), "a", "b", "c");

        Assert.Equal(-1, result.OversizeEvent);
        Assert.Equal(["a", "b", "c"], result.Messages.Select(m => System.Text.Json.JsonDocument.Parse(m.Body).RootElement.GetProperty("msg").GetString()));
        Assert.All(result.Messages, m => Assert.Equal(SqsMessageAttributes.SeedRecordFormat, m.Format));
    }

    [Fact]
    public async Task Pack_EventTooLargeAlone_StopsBeforeItAndReportsIt()
    {
        var packer = new SqsMessagePacker(SqsMessageFormat.JsonBatch, compress: false, revision: 0);
        var result = await CapturingSink.InspectBatchAsync(b => packer.Pack(b, 2048), "small", new string('x', 5000), "after");

        Assert.Equal(1, result.OversizeEvent);
        Assert.True(result.OversizeBytes > 2048);
        Assert.Equal(1, result.Messages.Sum(m => m.EventCount));
    }

    [Fact]
    public void SizeOf_CountsBodyAndAttributeNamesTypesAndValues()
    {
        var size = SqsOutgoingMessage.SizeOf(100, "json-batch", "abc-0");

        Assert.Equal(100 + "tl-format".Length + "String".Length + "json-batch".Length + "tl-dedupe-id".Length + "String".Length + "abc-0".Length, size);
    }
}
