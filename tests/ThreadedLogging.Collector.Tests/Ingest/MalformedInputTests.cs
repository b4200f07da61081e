using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>Every malformed-input class gets its 4xx with a reason, stores nothing, and the server keeps serving.</summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private const int MaxBody = 64 * 1024;
    private CollectorFixture _collector = null!;

    public static TheoryData<string, int, string> Cases => new()
    {
        { "malformed-json", 400, "malformed JSON" },
        { "truncated-json", 400, "malformed JSON" },
        { "events-not-array", 400, "'events' must be an array" },
        { "not-an-object", 400, "expected a JSON object" },
        { "event-not-object", 400, "not a JSON object" },
        { "bad-level", 400, "'level'" },
        { "bad-timestamp", 400, "event 0: 'timestamp' must be an RFC 3339 time with an offset" },
        { "timestamp-without-offset-after-a-good-event", 400, "event 1: 'timestamp' must be an RFC 3339 time with an offset" },
        { "timestamp-culture-form", 400, "event 0: 'timestamp' must be an RFC 3339 time with an offset, e.g. 2026-12-03T10:15:30.25Z or 2026-12-03T11:15:30+01:00 (was '12/03/2026 10:00:00 +00:00')" },
        { "timestamp-date-only", 400, "event 0: 'timestamp' must be an RFC 3339 time" },
        { "timestamp-without-seconds", 400, "event 0: 'timestamp' must be an RFC 3339 time" },
        { "timestamp-number", 400, "event 0: 'timestamp' must be an RFC 3339 time with an offset, e.g. 2026-12-03T10:15:30.25Z or 2026-12-03T11:15:30+01:00 (was '1733220000')" },
        { "timestamp-ndjson-line-2", 400, "event 1: 'timestamp' must be an RFC 3339 time" },
        { "clef-timestamp-without-offset", 400, "line 2: '@t' must be an RFC 3339 time with an offset" },
        { "timestamp-out-of-range", 400, "event 0: 'timestamp' is out of range: 0001-01-01T00:00:00+14:00 is an RFC 3339 time, but its instant in UTC is not between" },
        { "clef-timestamp-out-of-range", 400, "line 1: '@t' is out of range: 9999-12-31T23:59:59.5-14:00 is an RFC 3339 time" },
        { "user-dot-dot-in-envelope", 400, "field 'user' is '..', which is no user name: a URL path (/log/{user}, /api/users/{user}) reads it as a step" },
        { "user-dot-in-event", 400, "event 1: field 'user' is '.', which is no user name" },
        { "user-nul-in-event", 400, "event 0: field 'user' ('a\\u0000b') holds a control character (U+0000 at index 1), which no user name may hold" },
        { "user-dot-dot-in-path", 400, "field 'user' is '..'" },
        { "user-dot-dot-in-form", 400, "field 'user' is '..'" },
        { "user-line-break-in-clef", 400, "line 1: field 'user' ('eve\\nmallory') holds a control character (U+000A at index 3)" },
        { "valid-then-bad", 400, "event 1" },
        { "field-too-long", 400, "field 'user'" },
        { "event-too-large", 413, "MaxEventBytes" },
        { "too-many-events", 413, "MaxEventsPerBatch" },
        { "body-too-large", 413, "the limit is 65536 (Collector:MaxRequestBodyBytes)" },
        { "gzip-bomb", 413, "decompressed body exceeds 65536 bytes (Collector:MaxRequestBodyBytes)" },
        { "malformed-gzip", 400, "malformed gzip" },
        { "invalid-utf8-json", 400, "not valid UTF-8" },
        { "invalid-utf8-form", 400, "not valid UTF-8" },
        { "bad-percent-escape", 400, "malformed form data" },
        { "form-without-msg", 400, "'msg' is missing" },
        { "bad-created", 400, "'created'" },
        { "malformed-ndjson-line", 400, "line 2" },
        { "unknown-content-type", 415, "unsupported Content-Type" },
        { "no-content-type", 415, "Content-Type" },
        { "unknown-encoding", 415, "unsupported Content-Encoding 'zstd' (gzip, br, deflate or none)" },
        { "idempotency-key-too-long", 400, "Idempotency-Key" },
    };

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync(
        $"--Collector:MaxRequestBodyBytes={MaxBody}",
        "--Collector:MaxEventsPerBatch=10",
        "--Collector:MaxEventBytes=4096",
        "--Collector:MaxFieldLength=64");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Ingest_MalformedInput_RejectedWithReasonAndNothingStored(string name, int expectedStatus, string reasonFragment)
    {
        var (method, url, body, contentType, encoding, key) = Build(name);

        var (status, text) = await Http.SendAsync(_collector.Client, method, url, body, contentType, encoding, key);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Contains(reasonFragment, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
        var health = await _collector.GetJsonAsync("health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        // And a good request still goes through afterwards.
        var good = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/ok-" + name, Http.Utf8("""{"events":[{"message":"fine"}]}"""), "application/json");
        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Single(await _collector.EventsAsync("user=ok-" + name));
        Assert.Empty(await _collector.EventsAsync("path=victim"));
    }

    [Theory]
    [InlineData("application/json", "{\"events\":[{\"message\":tru")]
    [InlineData("application/vnd.serilog.clef", "{\"@mt\":tru")]
    public async Task Ingest_InvalidLiteralFollowedByManyBytes_ReasonQuotesOnlyTheirStart(string contentType, string start)
    {
        var body = Http.Utf8(start + new string('x', 60_000) + "}]}");

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", body, contentType);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = Http.Error(text);
        Assert.Contains("invalid JSON literal", reason, StringComparison.Ordinal);
        Assert.Contains("'tru" + new string('x', 37) + "…' is an invalid JSON literal", reason, StringComparison.Ordinal);
        Assert.True(reason.Length < 400, reason.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("api/levels", "user", "the body is not a level rule")]
    [InlineData("api/alerts", "name", "the body is not")]
    public async Task SupportApi_InvalidLiteralFollowedByManyBytesInOnePiece_ReasonQuotesOnlyTheirStart(string url, string field, string start)
    {
        // The JSON reader quotes everything after the literal's start that it holds in one piece: 1,000 bytes of a small
        // body (one read of a new connection), which only the cut at 40 keeps out. A body of many pieces (60 KB) it
        // quotes 5 bytes of at most ('truxx'), and would pass without the cut. The field is one the body's type has: an
        // unknown one is refused first, by its name (050fdaac).
        var body = Http.Utf8("{\"" + field + "\":tru" + new string('x', 1_000) + "}");
        using var client = new HttpClient { BaseAddress = _collector.BaseAddress };

        var (status, text) = await Http.SendAsync(client, HttpMethod.Post, url, body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = Http.Error(text);
        Assert.StartsWith(start, reason, StringComparison.Ordinal);
        Assert.Contains(": 'tru" + new string('x', 37) + "…' is an invalid JSON literal", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedRecord_InvalidLiteralFollowedByManyBytes_ReasonQuotesOnlyTheirStart()
    {
        var endpoint = _collector.Services.GetRequiredService<IngestEndpoint>();
        var decoder = _collector.Services.GetRequiredService<IngestDecoders>().ForName("seed-record")!;
        var record = Http.Utf8("{\"msg\":tru" + new string('x', 60_000) + "}");

        var outcome = await endpoint.RunAsync(decoder, "victim", null, _ => Task.FromResult(new ReceivedBody(record, ContentCoding.Identity)), CancellationToken.None);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Contains("seed-record body is not JSON: 'tru" + new string('x', 37) + "…' is an invalid JSON literal", outcome.Reason, StringComparison.Ordinal);
        Assert.True(outcome.Reason!.Length < 400, outcome.Reason.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (HttpMethod, string, byte[]?, string?, string?, string?) Build(string name)
    {
        const string Url = "log/victim";
        static (HttpMethod, string, byte[]?, string?, string?, string?) Json(string json, string? encoding = null) =>
            (HttpMethod.Post, Url, Encoding.UTF8.GetBytes(json), "application/json", encoding, null);
        static string Events(string events) => "{\"events\":[" + events + "]}";

        return name switch
        {
            "malformed-json" => Json("{\"events\": [ {\"message\": \"x\" ,, ] }"),
            "truncated-json" => Json("{\"events\": [ {\"message\": \"x\""),
            "events-not-array" => Json("{\"events\": {}}"),
            "not-an-object" => Json("[1, 2]"),
            "event-not-object" => Json(Events("\"just text\"")),
            "bad-level" => Json(Events("{\"message\":\"x\",\"level\":\"Loud\"}")),
            "bad-timestamp" => Json(Events("{\"message\":\"x\",\"timestamp\":\"yesterday\"}")),
            "timestamp-without-offset-after-a-good-event" => Json(Events("{\"message\":\"good\",\"timestamp\":\"2026-12-01T10:00:00Z\"},{\"message\":\"x\",\"timestamp\":\"2026-12-01T10:00:00.123\"}")),
            "timestamp-culture-form" => Json(Events("{\"message\":\"x\",\"timestamp\":\"12/03/2026 10:00:00 +00:00\"}")),
            "timestamp-date-only" => Json(Events("{\"message\":\"x\",\"timestamp\":\"2026-12-03\"}")),
            "timestamp-without-seconds" => Json(Events("{\"message\":\"x\",\"timestamp\":\"2026-12-01T10:00Z\"}")),
            "timestamp-number" => Json(Events("{\"message\":\"x\",\"timestamp\":1733220000}")),
            "timestamp-ndjson-line-2" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{\"message\":\"a\",\"timestamp\":\"2026-12-01T10:00:00+01:00\"}\n{\"message\":\"b\",\"timestamp\":\"2026-12-01 10:00:00\"}\n"), "application/x-ndjson", null, null),
            "clef-timestamp-without-offset" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{\"@t\":\"2026-12-01T10:00:00.1234567Z\",\"@mt\":\"good\"}\n{\"@t\":\"2026-12-01T10:00:00.1234567\",\"@mt\":\"x\"}\n"), "application/vnd.serilog.clef", null, null),
            "timestamp-out-of-range" => Json(Events("{\"message\":\"x\",\"timestamp\":\"0001-01-01T00:00:00+14:00\"}")),
            "clef-timestamp-out-of-range" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{\"@t\":\"9999-12-31T23:59:59.5-14:00\",\"@mt\":\"x\"}\n"), "application/vnd.serilog.clef", null, null),
            "user-dot-dot-in-envelope" => Json("{\"user\":\"..\",\"events\":[{\"message\":\"x\"}]}"),
            "user-dot-in-event" => Json(Events("{\"message\":\"good\"},{\"message\":\"x\",\"user\":\".\"}")),
            "user-nul-in-event" => Json(Events("{\"message\":\"x\",\"user\":\"a\\u0000b\"}")),
            "user-dot-dot-in-path" => (HttpMethod.Post, "log/%20..%20", Encoding.UTF8.GetBytes(Events("{\"message\":\"x\"}")), "application/json", null, null),
            "user-dot-dot-in-form" => (HttpMethod.Post, Url, Encoding.ASCII.GetBytes("msg=x&levelno=20&app=Payroll&machine=PC-1&user=.."), "application/x-www-form-urlencoded", null, null),
            "user-line-break-in-clef" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{\"@t\":\"2026-12-01T10:00:00Z\",\"@mt\":\"x\",\"UserName\":\"eve\\nmallory\"}\n"), "application/vnd.serilog.clef", null, null),
            "valid-then-bad" => Json(Events("{\"message\":\"good\"},{\"message\":\"bad\",\"sequence\":\"one\"}")),
            "field-too-long" => Json(Events("{\"message\":\"x\",\"user\":\"" + new string('u', 65) + "\"}")),
            "event-too-large" => Json(Events("{\"message\":\"" + new string('m', 5000) + "\"}")),
            "too-many-events" => Json(Events(string.Join(",", Enumerable.Repeat("{\"message\":\"x\"}", 11)))),
            "body-too-large" => Json(Events("{\"message\":\"x\"}") + new string(' ', MaxBody)),
            "gzip-bomb" => (HttpMethod.Post, Url, Http.Gzip(Encoding.UTF8.GetBytes(Events("{\"message\":\"x\"}") + new string(' ', 50 * MaxBody))), "application/json", "gzip", null),
            "malformed-gzip" => (HttpMethod.Post, Url, [0x1f, 0x8b, 0x08, 0x00, 0x42, 0x42, 0x42, 0x42, 0x00, 0x03, 0xff, 0xfe, 0xfd], "application/json", "gzip", null),
            "invalid-utf8-json" => (HttpMethod.Post, Url, [.. "{\"events\":[{\"message\":\""u8, 0xC3, 0x28, .. "\"}]}"u8], "application/json", null, null),
            "invalid-utf8-form" => (HttpMethod.Post, Url, Encoding.ASCII.GetBytes("name=a&msg=caf%C3%28&levelno=20"), "application/x-www-form-urlencoded", null, null),
            "bad-percent-escape" => (HttpMethod.Post, Url, Encoding.ASCII.GetBytes("name=a&msg=100%zz&levelno=20"), "application/x-www-form-urlencoded", null, null),
            "form-without-msg" => (HttpMethod.Get, Url + "?name=a&levelno=20", null, null, null, null),
            "bad-created" => (HttpMethod.Post, Url, Encoding.ASCII.GetBytes("msg=x&created=soon"), "application/x-www-form-urlencoded", null, null),
            "malformed-ndjson-line" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{\"message\":\"a\"}\n{\"message\":\n"), "application/x-ndjson", null, null),
            "unknown-content-type" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("<log/>"), "application/xml", null, null),
            "no-content-type" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{}"), null, null, null),
            "unknown-encoding" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes("{}"), "application/json", "zstd", null),
            "idempotency-key-too-long" => (HttpMethod.Post, Url, Encoding.UTF8.GetBytes(Events("{\"message\":\"x\"}")), "application/json", null, new string('k', 65)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
