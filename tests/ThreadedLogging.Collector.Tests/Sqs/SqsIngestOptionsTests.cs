using Amazon;
using ThreadedLogging.Collector.Ingest.Sqs;

namespace ThreadedLogging.Collector.Tests.Sqs;

public sealed class SqsIngestOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(new SqsIngestOptions().Validate());
    }

    [Fact]
    public void Validate_QueueWithNameAndUrl_ErrorNamesTheQueue()
    {
        var options = new SqsIngestOptions { Queues = [new SqsQueueOptions { Name = "a", Url = "https://sqs.eu-west-1.amazonaws.com/1/a" }] };

        Assert.Contains(options.Validate(), e => e.Contains("Collector:Sqs:Queues:0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 20, 60, "ReceiversPerQueue")]
    [InlineData(2, 21, 60, "WaitTimeSeconds")]
    [InlineData(2, 20, 0, "VisibilityTimeoutSeconds")]
    public void Validate_OutOfRange_ErrorNamesTheOption(int receivers, int wait, int visibility, string option)
    {
        var options = new SqsIngestOptions { ReceiversPerQueue = receivers, WaitTimeSeconds = wait, VisibilityTimeoutSeconds = visibility };

        Assert.Contains(options.Validate(), e => e.Contains(option, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KeyWithoutSecret_Error()
    {
        var options = new SqsIngestOptions { Queues = [new SqsQueueOptions { Name = "a", AccessKey = "k" }] };

        Assert.Contains(options.Validate(), e => e.Contains("SecretAccessKey", StringComparison.Ordinal));
    }

    /// <summary>A region without its number passed the check (letters, digits and single '-'), as it did the client's.</summary>
    [Theory]
    [InlineData("eu-west")]
    [InlineData("us-east")]
    [InlineData("euwest1")]
    public void Validate_RegionWithoutItsNumber_ErrorNamesIt(string region)
    {
        var options = new SqsIngestOptions { Queues = [new SqsQueueOptions { Name = "a", Region = region }] };

        Assert.Equal(
            [$"Collector:Sqs:Queues:0:Region must be an AWS region name such as eu-west-1: letters and digits between single '-', with the region's number (eu-west-1, not eu-west) (was '{region}')."],
            options.Validate());
    }

    [Fact]
    public void Validate_EveryRegionTheSdkKnowsAndNewerOnes_NoErrors()
    {
        string[] newer = ["us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "ap-southeast-5", "EU-WEST-1"];
        var regions = RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).Concat(newer).ToList();

        var options = new SqsIngestOptions { Queues = [.. regions.Select(r => new SqsQueueOptions { Name = "a", Region = r })] };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Wire_CollectorConstants_MatchTheClientsAttributes()
    {
        Assert.Equal(SqsMessageAttributes.Format, SqsWire.FormatAttribute);
        Assert.Equal(SqsMessageAttributes.DedupeId, SqsWire.DedupeIdAttribute);
        Assert.Equal(SqsMessageAttributes.SeedRecordFormat, SqsWire.SeedRecord);
        Assert.Equal(SqsMessageAttributes.JsonBatchFormat, SqsWire.JsonBatch);
        Assert.Equal(SqsMessageAttributes.JsonBatchGzipFormat, SqsWire.JsonBatchGzip);
    }
}
