using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>The Seq-compatible endpoints with bodies no real client would send: malformed CLEF, Seq's old JSON, keys.</summary>
public sealed class ClefIngestTests
{
    private const string Good = """{"@t":"2026-11-30T10:00:00Z","@mt":"ok {N}","N":1}""";

    [Theory]
    [InlineData("not json", "line 2: malformed JSON")]
    [InlineData("[1,2]", "line 2: a CLEF event must be a JSON object")]
    [InlineData("""{"@mt":"no time"}""", "line 2: '@t' (the event's time) is missing")]
    [InlineData("""{"@t":"yesterday","@mt":"x"}""", "line 2: '@t' must be an RFC 3339 time with an offset")]
    [InlineData("""{"@t":"2026-11-30T10:00:00Z","@l":3}""", "line 2: '@l' must be a string")]
    [InlineData("""{"@t":"2026-11-30T10:00:00Z","@mt":42}""", "line 2: '@mt' must be a string")]
    [InlineData("""{"@t":"2026-11-30T10:00:00Z","@mt":"{A:0}","@r":"x"}""", "line 2: '@r' must be an array")]
    [InlineData("""{"@t":"2026-11-30T10:00:00Z","@x":{"type":"E"}}""", "line 2: '@x' must be a string")]
    [InlineData("""{"@t":"2026-11-30T10:00:00Z","@i":[1]}""", "line 2: '@i' must be a number or a string")]
    [InlineData("""{"@t":"1900-01-01T00:00:00Z","@m":"past"}""", "line 2: timestamp 1900")]
    public async Task Clef_MalformedSecondLine_400WithLineAndNothingStored(string line, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        foreach (var url in new[] { "api/events/raw?clef", "ingest/clef" })
        {
            var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(Good + "\n" + line + "\n"), "application/vnd.serilog.clef");

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith(reason, Http.Error(body), StringComparison.Ordinal);
        }

        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Clef_GzipCrLfAndBlankLines_AllStoredWith201()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Gzip(Http.Utf8(Good + "\r\n\r\n" + """{"@t":"2026-11-30T10:00:01Z","@m":"rendered","@l":"Error","@i":"8d7ce7a1","@tr":"4bf92f3577b34da6a3ce929d0e0e4736","@sp":"00f067aa0ba902b7","@@t":"kept"}""" + "\r\n"));

        var (status, response) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", body, "application/vnd.serilog.clef", "gzip");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"MinimumLevelAccepted":null}""", response);
        var events = await collector.EventsAsync();
        Assert.Equal(["rendered", "ok 1"], events.Select(e => e.GetProperty("message").GetString()));
        Assert.Equal("kept", events[0].GetProperty("properties").GetProperty("@t").GetString());
        Assert.Equal("8d7ce7a1", events[0].GetProperty("context").GetProperty("eventType").GetString());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", events[0].GetProperty("context").GetProperty("traceId").GetString());
        Assert.Equal("00f067aa0ba902b7", events[0].GetProperty("context").GetProperty("spanId").GetString());
    }

    [Fact]
    public async Task Clef_LevelItDoesNotKnow_StoredAsInformationWithTheTextAsProperty()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Utf8(Good + "\n" + """{"@t":"2026-11-30T10:00:01Z","@m":"odd","@l":"Notice","N":2}""" + "\n");

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "ingest/clef", body, "application/vnd.serilog.clef");

        Assert.Equal(HttpStatusCode.Created, status);
        var stored = Assert.Single(await collector.EventsAsync("property=" + Uri.EscapeDataString("@l=Notice")));
        Assert.Equal("odd", stored.GetProperty("message").GetString());
        Assert.Equal("Information", stored.GetProperty("level").GetString());
        Assert.Equal(2, stored.GetProperty("properties").GetProperty("N").GetInt32());
        Assert.Equal(2, (await collector.EventsAsync()).Count);
    }

    [Fact]
    public async Task SeqJson_LevelItDoesNotKnow_StoredAsInformationWithTheTextAsProperty()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = """{"Events":[{"Timestamp":"2026-11-30T10:00:00Z","Level":"Notice","MessageTemplate":"odd {N}","Properties":{"N":2}}]}""";

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.Created, status); // a 400 would make Serilog.Sinks.Seq drop the whole batch
        var stored = Assert.Single(await collector.EventsAsync("property=" + Uri.EscapeDataString("@l=Notice")));
        Assert.Equal("Information", stored.GetProperty("level").GetString());
        Assert.Equal("odd 2", stored.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SeqJson_EventsArray_StoredLikeClef()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = """
            {"Events":[{"Timestamp":"2026-11-30T10:00:00+01:00","Level":"Warning","MessageTemplate":"Disk {Disk} at {Pct}%",
              "Properties":{"Disk":"C:","Pct":97,"MachineName":"PC-7"},"Exception":"System.IO.IOException: full"}]}
            """;

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.Created, status);
        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("Disk \"C:\" at 97%", stored.GetProperty("message").GetString());
        Assert.Equal("Warning", stored.GetProperty("level").GetString());
        Assert.Equal("PC-7", stored.GetProperty("machine").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), stored.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("System.IO.IOException", stored.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal("full", stored.GetProperty("exception").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"events":[]}""", "expected {\"Events\":[")]
    [InlineData("""{"Events":[1]}""", "event 0: not a JSON object")]
    [InlineData("""{"Events":[{"Level":"Information"}]}""", "event 0: '@t' (the event's time) is missing")]
    public async Task SeqJson_Malformed_400AndNothingStored(string body, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, response) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(reason, Http.Error(response), StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Theory]
    [InlineData("X-Seq-ApiKey", "k1", HttpStatusCode.Created)]
    [InlineData("X-Seq-ApiKey", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("query", "k1", HttpStatusCode.Created)]
    [InlineData("query", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("none", "", HttpStatusCode.Unauthorized)]
    public async Task SeqApiKey_HeaderOrQuery_MappedOntoIngestKeys(string where, string key, HttpStatusCode expected)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=k1");
        using var request = new HttpRequestMessage(HttpMethod.Post, where == "query" ? $"api/events/raw?clef&apiKey={key}" : "api/events/raw?clef")
        {
            Content = new ByteArrayContent(Http.Utf8(Good)),
        };
        if (where == "X-Seq-ApiKey")
        {
            request.Headers.Add("X-Seq-ApiKey", key);
        }

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task SeqApiKey_OnJsonBatchEndpoint_NotAccepted()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=k1");

        using var response = await collector.Client.PostAsync(new Uri("api/events?apiKey=k1", UriKind.Relative), new StringContent(Http.Envelope("b1"), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        _ = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
