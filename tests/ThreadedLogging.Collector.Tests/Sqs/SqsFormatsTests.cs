using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// Issue 11: messages of every format on SQS (<c>tl-format</c>) go through the decoders HTTP ingest uses: stored alike,
/// every malformed variant refused with the same reason, lone-surrogate escapes in JSON formats become U+FFFD as over HTTP.
/// </summary>
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

    [Fact]
    public async Task Ingest_EveryMalformedVariantHttpAndSqs_SameReasonNothingStored()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("malformed");
        using var client = sqs.CreateClient();
        foreach (var variant in MalformedVariants.All)
        {
            await client.SendMessageAsync(Message(url, variant.Format, variant.SqsBody, variant.Name));
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        using var http = new HttpClient { BaseAddress = new Uri(collector.BaseUrl) };
        var wrong = new List<string>();
        foreach (var variant in MalformedVariants.All.Where(v => v.Url is not null))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(variant.Url!, UriKind.Relative)) { Content = new ByteArrayContent(variant.Body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", variant.ContentType);
            if (variant.ContentEncoding is { } encoding)
            {
                request.Content.Headers.ContentEncoding.Add(encoding);
            }

            using var response = await http.SendAsync(request);
            var reason = MalformedVariants.Variant.ReasonOf(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
            if ((int)response.StatusCode is < 400 or >= 500 || !reason.StartsWith(variant.Reason, StringComparison.Ordinal))
            {
                wrong.Add($"HTTP {variant.Name}: {(int)response.StatusCode} {reason}");
            }
        }

        await collector.Statistics.WaitAsync(s => s.Poison >= MalformedVariants.All.Count, new CancellationTokenSource(Budget).Token);
        using var poison = JsonDocument.Parse(await http.GetStringAsync("/api/ingest/sqs/poison?limit=100"));
        var reasons = poison.RootElement.GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("dedupeId").GetString()!, m => m.GetProperty("reason").GetString()!);
        foreach (var variant in MalformedVariants.All)
        {
            if (!reasons.TryGetValue(variant.Name, out var reason) || !reason.StartsWith(variant.Reason, StringComparison.Ordinal))
            {
                wrong.Add($"SQS {variant.Name}: {reason ?? "not set aside"}");
            }
        }

        Assert.Empty(wrong);

        Assert.Empty(await collector.AllEventsAsync());
    }

    [Fact]
    public async Task Ingest_LoneSurrogateEscapesInSeedRecordAndJsonBatch_StoredWithReplacementCharacter()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("surrogates");
        using var client = sqs.CreateClient();
        // What CPython's json.dumps writes for a str decoded with surrogateescape: escapes of lone surrogates.
        await client.SendMessageAsync(Message(url, "seed-record", """{"name":"app","msg":"seed \udc80 and \ud800x","args":"()","levelno":20,"levelname":"INFO"}""", "seed"));
        await client.SendMessageAsync(Message(url, "json-batch", """{"events":[{"message":"batch \udfff end"}]}""", "batch"));

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.EventsStored >= 2 || s.Poison > 0, new CancellationTokenSource(Budget).Token);

        var stored = await collector.AllEventsAsync();
        Assert.Equal(["batch \uFFFD end", "seed \uFFFD and \uFFFDx"], stored.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Equal(0, collector.Statistics.Snapshot().Poison);
    }

    /// <summary>
    /// A message without attributes whose body is neither an envelope nor a Python record (nor base64 of one) was set aside as
    /// "unknown message format '(none)' (expected json-batch, …)": a format it never named. The reason now says what was looked for.
    /// </summary>
    [Fact]
    public async Task Ingest_NoAttributesAndNoRecordOrEnvelope_SetAsideSayingWhatWasLookedFor()
    {
        using var data = new TempDirectory();
        var (name, url) = await sqs.CreateQueueAsync("unsniffed");
        using var client = sqs.CreateClient();
        string[] bodies = ["plain text, not JSON", """{"message":"neither events nor msg"}""", "[1,2]", Convert.ToBase64String(Encoding.UTF8.GetBytes("[1,2]"))];
        foreach (var body in bodies)
        {
            await client.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });
        }

        await using var collector = await SqsCollectorHost.StartAsync(sqs, data.Path, name);
        await collector.Statistics.WaitAsync(s => s.Poison + s.Stored >= bodies.Length, new CancellationTokenSource(Budget).Token);

        using var http = new HttpClient { BaseAddress = new Uri(collector.BaseUrl) };
        using var poison = JsonDocument.Parse(await http.GetStringAsync("/api/ingest/sqs/poison"));
        var reasons = poison.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("reason").GetString()).ToList();
        const string Reason = "no tl-format attribute, and the body is not a JSON object with \"events\" (json-batch) or \"msg\" (seed-record), "
            + "nor base64 of one: set tl-format to one of json-batch, json-lines, seed-record, python-form, clef, seq-json, otlp-protobuf, otlp-json, each optionally +gzip";
        Assert.Equal(Enumerable.Repeat(Reason, bodies.Length), reasons);
        Assert.Empty(await collector.AllEventsAsync());
    }

    private static SendMessageRequest Message(string url, string format, string body, string dedupeId) => new()
    {
        QueueUrl = url,
        MessageBody = body,
        MessageAttributes = new()
        {
            [SqsMessageAttributes.Format] = new MessageAttributeValue { DataType = "String", StringValue = format },
            [SqsMessageAttributes.DedupeId] = new MessageAttributeValue { DataType = "String", StringValue = dedupeId },
        },
    };
}
