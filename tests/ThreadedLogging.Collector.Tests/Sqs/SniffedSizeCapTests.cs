using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// A message without a <c>tl-format</c> attribute was sniffed (parsed as JSON, base64-decoded, copied) whatever its size,
/// outside the receiving budget and before <c>MaxRequestBodyBytes</c> was checked. A body that cannot decode to anything
/// under the cap is now set aside as too large first, the reason naming the setting, as a message with the attribute is.
/// </summary>
public sealed class SniffedSizeCapTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ingest_MessageWithoutAttributesOverMaxRequestBodyBytes_SetAsideAsTooLargeBeforeItIsSniffed()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("sniffed-cap");
        using var client = sqs.CreateClient();
        var body = new string('!', 100_000);
        await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name, new() { ["Collector:MaxRequestBodyBytes"] = "65536", ["Collector:MaxEventBytes"] = "1024" });
        await collector.Statistics.WaitAsync(s => s.Poison >= 1 || s.Errors > 0, new CancellationTokenSource(Budget).Token);

        var (_, poison) = await collector.Services.GetRequiredService<ISqsPoisonStore>().ListAsync(10, CancellationToken.None);
        // before: "no tl-format attribute, and the body is not a JSON object …", after sniffing all of it
        Assert.Equal("message is 100000 bytes; the limit is 65536 (Collector:MaxRequestBodyBytes)", Assert.Single(poison).Reason);
    }
}
