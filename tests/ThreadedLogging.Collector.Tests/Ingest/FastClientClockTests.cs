using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// A client whose clock is more than <c>Collector:MaxClockSkew</c> (1 day) fast loses nothing, in every format: its
/// event is stored at the collector's receive time with the client's time kept as <c>ClientTimestamp</c>, and the
/// good events sent with it are stored as sent (a 400 lost them all: Serilog's Seq sink, our client, OTLP clients).
/// </summary>
public sealed class FastClientClockTests
{
    private static readonly DateTimeOffset Good = new(2025, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Two days ahead in whole seconds (every format carries it exactly), sent with a +02:00 offset where the format has one (kept in UTC).</summary>
    private static readonly DateTimeOffset Fast = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds()).ToOffset(TimeSpan.FromHours(2));

    public static TheoryData<string> Formats => ["json-batch", "ndjson", "clef", "seq-json", "otlp-json", "otlp-protobuf", "otlp-grpc", "python-form", "seed-record"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Ingest_MiddleEventTwoDaysFast_AllThreeStoredFastOneAtReceiveTimeClientTimeKept(string format)
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        var grpcPort = collector.OtlpGrpcPort;
        var before = DateTimeOffset.UtcNow;

        await SendAsync(collector, format, grpcPort);

        var after = DateTimeOffset.UtcNow;
        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["fast", "good 1", "good 2"], events.Keys.Order(StringComparer.Ordinal));
        foreach (var good in new[] { events["good 1"], events["good 2"] })
        {
            Assert.Equal(Good, good.GetProperty("timestamp").GetDateTimeOffset());
            Assert.False(good.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("ClientTimestamp", out _));
        }

        var fast = events["fast"];
        Assert.InRange(fast.GetProperty("timestamp").GetDateTimeOffset(), before.AddMilliseconds(-1), after);
        var clientTime = fast.GetProperty("properties").GetProperty("ClientTimestamp").GetString()!;
        Assert.Equal(Utc(Fast), clientTime);
    }

    [Fact]
    public async Task Ingest_FastEventWithProperties_PropertiesKeptClientTimestampFirstClientOwnRenamed()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = "{\"events\":[{\"message\":\"fast\",\"timestamp\":\"" + Iso(Fast) + "\",\"properties\":{\"OrderId\":7,\"ClientTimestamp\":\"mine\",\"ClientTimestamp_1\":\"also mine\",\"Tags\":[\"a\"]}}]}";

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");

        Assert.True(status == HttpStatusCode.OK, text);
        var properties = Assert.Single(await collector.EventsAsync()).GetProperty("properties");
        Assert.Equal(["ClientTimestamp", "OrderId", "ClientTimestamp_2", "ClientTimestamp_1", "Tags"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Utc(Fast), properties.GetProperty("ClientTimestamp").GetString());
        Assert.Equal("mine", properties.GetProperty("ClientTimestamp_2").GetString());
        Assert.Equal("also mine", properties.GetProperty("ClientTimestamp_1").GetString());
        Assert.Equal(7, properties.GetProperty("OrderId").GetInt32());
        Assert.Equal("a", properties.GetProperty("Tags")[0].GetString());
    }

    [Fact]
    public void WithClientTime_ClientNameTwiceInOneObject_EachKeptUnderANameOfItsOwn()
    {
        var json = new ThreadedLogging.Collector.Ingest.EventTime(Good, Fast).WithClientTime("{\"ClientTimestamp\":\"a\",\"ClientTimestamp\":\"b\"}");

        using var document = System.Text.Json.JsonDocument.Parse(json!);
        Assert.Equal(["ClientTimestamp", "ClientTimestamp_1", "ClientTimestamp_2"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["a", "b"], document.RootElement.EnumerateObject().Skip(1).Select(p => p.Value.GetString()));
    }

    private static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>How <c>ClientTimestamp</c> says a time: ISO 8601 in UTC, whatever offset the client sent.</summary>
    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static async Task SendAsync(CollectorFixture collector, string format, int grpcPort)
    {
        string Json(string message, DateTimeOffset time) => $$"""{"message":"{{message}}","timestamp":"{{Iso(time)}}"}""";
        string Clef(string message, DateTimeOffset time) => $$"""{"@t":"{{Iso(time)}}","@mt":"{{message}}"}""";
        switch (format)
        {
            case "json-batch":
                await PostOkAsync(collector, "log/alice", "application/json", $"{{\"events\":[{Json("good 1", Good)},{Json("fast", Fast)},{Json("good 2", Good)}]}}");
                break;
            case "ndjson":
                await PostOkAsync(collector, "log/alice", "application/x-ndjson", $"{Json("good 1", Good)}\n{Json("fast", Fast)}\n{Json("good 2", Good)}\n");
                break;
            case "clef":
                await PostOkAsync(collector, "api/events/raw", "application/vnd.serilog.clef", $"{Clef("good 1", Good)}\n{Clef("fast", Fast)}\n{Clef("good 2", Good)}\n");
                break;
            case "seq-json":
                await PostOkAsync(collector, "api/events/raw", "application/json", $$"""{"Events":[{"Timestamp":"{{Iso(Good)}}","MessageTemplate":"good 1"},{"Timestamp":"{{Iso(Fast)}}","MessageTemplate":"fast"},{"Timestamp":"{{Iso(Good)}}","MessageTemplate":"good 2"}]}""");
                break;
            case "otlp-json":
                static string Record(string message, DateTimeOffset time) => $$$"""{"timeUnixNano":"{{{time.ToUnixTimeMilliseconds() * 1_000_000}}}","body":{"stringValue":"{{{message}}}"}}""";
                await PostOkAsync(collector, "v1/logs", "application/json", $$"""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{{Record("good 1", Good)}},{{Record("fast", Fast)}},{{Record("good 2", Good)}}]}]}]}""");
                break;
            case "otlp-protobuf":
                var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", OtlpRequest(), "application/x-protobuf");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Empty(body); // an ExportLogsServiceResponse without partial_success
                break;
            case "otlp-grpc":
                Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(await RefusalAnswersTests.ExportAsync(grpcPort, OtlpRequest())).PartialSuccess);
                break;
            case "python-form":
                foreach (var (message, time) in new[] { ("good 1", Good), ("fast", Fast), ("good 2", Good) })
                {
                    await PostOkAsync(collector, "log/alice", "application/x-www-form-urlencoded", $"name=app&msg={Uri.EscapeDataString(message)}&levelno=20&created={time.ToUnixTimeSeconds()}.0");
                }

                break;
            case "seed-record":
                var endpoint = collector.Services.GetRequiredService<IngestEndpoint>();
                var decoder = collector.Services.GetRequiredService<IngestDecoders>().ForName("seed-record")!;
                foreach (var (message, time) in new[] { ("good 1", Good), ("fast", Fast), ("good 2", Good) })
                {
                    var record = Http.Utf8($$"""{"name":"app","msg":"{{message}}","levelno":20,"created":{{time.ToUnixTimeSeconds()}}.0}""");
                    var outcome = await endpoint.RunAsync(decoder, "alice", null, _ => Task.FromResult(new ReceivedBody(record, ContentCoding.Identity)), CancellationToken.None);
                    Assert.Equal(200, outcome.StatusCode);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static async Task PostOkAsync(CollectorFixture collector, string url, string contentType, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(body), contentType);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"{(int)status}: {text}");
        Assert.DoesNotContain("rejected", text, StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] OtlpRequest()
    {
        static LogRecord Record(string message, DateTimeOffset time) => new()
        {
            TimeUnixNano = (ulong)time.ToUnixTimeMilliseconds() * 1_000_000,
            SeverityNumber = SeverityNumber.Info,
            Body = new AnyValue { StringValue = message },
        };

        return OtlpIngestTests.Request(Record("good 1", Good), Record("fast", Fast), Record("good 2", Good));
    }
}
