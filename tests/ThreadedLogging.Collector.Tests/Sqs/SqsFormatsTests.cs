using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>Issue 11: CLEF and OTLP messages on SQS (<c>tl-format</c>) go through the decoders HTTP ingest uses.</summary>
public sealed class SqsFormatsTests(SqsEmulatorFixture sqs) : IClassFixture<SqsEmulatorFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ingest_ClefAndOtlpMessages_StoredLikeHttpMalformedSetAside()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("formats");
        using var client = sqs.CreateClient();
        const string Clef = """{"@t":"2026-11-30T10:00:00Z","@mt":"clef {N}","N":1,"Application":"Billing"}""";
        var messages = new (string Format, string Body)[]
        {
            ("clef", Clef),
            ("clef+gzip", Convert.ToBase64String(Http.Gzip(Encoding.UTF8.GetBytes(Clef.Replace("clef {N}", "zipped {N}", StringComparison.Ordinal))))),
            ("otlp-protobuf", Convert.ToBase64String(OtlpIngestTests.Request(OtlpIngestTests.Record("otlp binary")))),
            ("otlp-json", """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1764583200000000000","body":{"stringValue":"otlp json"}}]}]}]}"""),
            ("clef", Clef + "\n{\"@mt\":\"no time\"}"),
            ("otlp-protobuf", Convert.ToBase64String([0, 1, 2, 3, 4, 5, 6, 7])),
            ("otlp-protobuf", "%%% not base64"),
            ("clef2", Clef),
        };
        foreach (var (format, body) in messages)
        {
            await client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = body,
                MessageAttributes = new() { [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format } },
            });
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.Poison >= 4 && s.EventsStored >= 4, new CancellationTokenSource(Budget).Token);

        var stored = await collector.AllEventsAsync();
        Assert.Equal(["clef 1", "otlp binary", "otlp json", "zipped 1"], stored.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Equal("Billing", stored.Single(e => e.Message == "clef 1").App);
        using var http = new HttpClient { BaseAddress = new Uri(collector.BaseUrl) };
        using var poison = JsonDocument.Parse(await http.GetStringAsync("/api/ingest/sqs/poison"));
        var reasons = poison.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("reason").GetString()!).ToList();
        Assert.Equal(4, reasons.Count);
        Assert.Contains(reasons, r => r.StartsWith("line 2: '@t'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("malformed OTLP protobuf body", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("otlp-protobuf body is not base64", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("unknown message format 'clef2'", StringComparison.Ordinal));
    }
}
