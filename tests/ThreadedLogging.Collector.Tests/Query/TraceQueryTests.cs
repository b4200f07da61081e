using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>traceId=</c>: one trace's events from every format that carries trace ids (JsonBatch, CLEF <c>@tr</c>, OTLP), across
/// users and apps, in the list, the export and the live stream's filter; a value that is not a W3C trace id is a 400.
/// </summary>
public sealed class TraceQueryTests : IAsyncLifetime
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Other = "0af7651916cd43dd8448eb211c80319c";
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        var batch = JsonSerializer.Serialize(new
        {
            app = "Web",
            user = "alice",
            events = new object[]
            {
                new { timestamp = "2026-11-24T08:00:00Z", message = "checkout started", traceId = Trace, spanId = "00f067aa0ba902b7" },
                new { timestamp = "2026-11-24T08:00:01Z", message = "other request", traceId = Other },
                new { timestamp = "2026-11-24T08:00:02Z", message = "no trace" },
                new { timestamp = "2026-11-24T08:00:03Z", message = "a scope's trace id only", scopes = new[] { new { traceId = Trace } } },
            },
        });
        // Serilog writes lower case; a client that writes upper case still joins its trace.
        var clef = $$"""
            {"@t":"2026-11-24T08:00:04Z","@mt":"charging {Amount}","Amount":12,"Application":"Billing","UserName":"service","@tr":"{{Trace.ToUpperInvariant()}}","@sp":"b7ad6b7169203331"}
            {"@t":"2026-11-24T08:00:05Z","@mt":"not a W3C id","Application":"Billing","@tr":"abc"}
            """;
        var otlp = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"Payments"}}]},
              "scopeLogs":[{"logRecords":[{"timeUnixNano":"1795507206000000000","severityNumber":17,"body":{"stringValue":"card declined"},"traceId":"{{{Trace}}}"}]}]}]}
            """;
        foreach (var (url, body, type) in new[] { ("log/alice", batch, "application/json"), ("ingest/clef", clef, "application/vnd.serilog.clef"), ("v1/logs", otlp, "application/json") })
        {
            var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, Http.Utf8(body), type);
            Assert.True(status == HttpStatusCode.OK || status == HttpStatusCode.Created, $"{url}: {(int)status} {text}");
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("traceId=" + Trace)]
    [InlineData("traceId=4BF92F3577B34DA6A3CE929D0E0E4736")]
    public async Task Events_TraceId_EveryFormatsEventOfTheTraceNewestFirst(string query)
    {
        var events = await _collector.EventsAsync(query);

        Assert.Equal(["card declined", "charging 12", "checkout started"], events.Select(e => e.GetProperty("message").GetString()));
        Assert.Equal(["Payments", "Billing", "Web"], events.Select(e => e.GetProperty("app").GetString()));
    }

    [Fact]
    public async Task Events_TraceIdAndUser_BothApply()
    {
        var events = await _collector.EventsAsync("traceId=" + Trace + "&user=alice");

        Assert.Equal("checkout started", Assert.Single(events).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Export_TraceId_OnlyThatTrace()
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/export?format=ndjson&traceId=" + Trace);

        Assert.Equal(HttpStatusCode.OK, status);
        var messages = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("message").GetString());
        Assert.Equal(["card declined", "charging 12", "checkout started"], messages);
    }

    [Theory]
    [InlineData("api/events?noUser=yes", "parameter 'noUser' must be true or false (was 'yes')")]
    [InlineData("api/events?noUser=true&user=alice", "parameters 'user' and 'noUser=true' exclude each other")]
    [InlineData("api/events/export?format=csv&noUser=1", "parameter 'noUser' must be true or false (was '1')")]
    public async Task Request_BadNoUser_400WithReason(string url, string reason)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_NoUser_OnlyTheEventsWithoutAUser()
    {
        var events = await _collector.EventsAsync("noUser=true");

        Assert.Equal(["card declined", "not a W3C id"], events.Select(e => e.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("api/events?traceId=abc")]
    [InlineData("api/events?traceId=00000000000000000000000000000000")]
    [InlineData("api/events?traceId=4bf92f3577b34da6a3ce929d0e0e473g")]
    [InlineData("api/events?traceId=4bf92f3577b34da6a3ce929d0e0e47360")]
    [InlineData("api/events/export?format=csv&traceId=abc")]
    [InlineData("api/events/stream?traceId=abc")]
    public async Task Request_TraceIdNotW3C_400WithReason(string url)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parameter 'traceId' must be a W3C trace id: 32 hex digits, not all zero", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
