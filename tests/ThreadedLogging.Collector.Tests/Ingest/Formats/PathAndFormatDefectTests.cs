using System.Net;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>The smaller defects of issue 11: CLEF sent as JsonBatch, the user of an encoded path, CLEF at a user path, silent 404s.</summary>
public sealed class PathAndFormatDefectTests
{
    [Fact]
    public async Task JsonLines_ClefLine_400PointingToClefAndNothingStored()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events",
            Http.Utf8("""{"@t":"2026-11-30T10:00:00Z","@mt":"Hello {Name}","Name":"x"}"""), "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("application/vnd.serilog.clef", Http.Error(body), StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Clef_PostedToUserPath_StoredWithPathUser()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/dave/app",
            Http.Utf8("""{"@t":"2026-11-30T10:00:00Z","@mt":"Hello {Name}","Name":"x"}"""), "application/vnd.serilog.clef");

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("dave", stored.GetProperty("user").GetString());
        Assert.Equal("Hello \"x\"", stored.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("log/%3Cb%3Emallory%3C%2Fb%3E", "<b>mallory</b>")]
    [InlineData("log/J%C3%BCrgen%20M/app", "Jürgen M")]
    [InlineData("log/alice%2Fx/y", "alice/x")]
    [InlineData("log/a%252Fb", "a%2Fb")] // review14: decoded twice, the user "a/b"
    [InlineData("log/100%25/x", "100%")]
    public async Task UserPath_PercentEncoded_UserIsTheDecodedFirstSegment(string url, string user)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(Http.Envelope("b1", new { message = "m" })), "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(user, Assert.Single(await collector.EventsAsync()).GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("api/events/raw/x", "/api/events/raw/x")]
    [InlineData("v1/traces", "/v1/traces")]
    [InlineData("ingest/clef2?apiKey=secret", "/ingest/clef2")]
    public async Task UnknownIngestPath_Post_404AndLoggedWithMethodAndPath(string url, string loggedPath)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8("{}"), "application/json");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal($"no endpoint at {loggedPath}", Http.Error(body));
        var line = Assert.Single(log.Entries, e => e.Message.Contains("No ingest endpoint", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        Assert.Equal($"No ingest endpoint at POST {loggedPath}: answered 404 to 127.0.0.1 (0 more of this address since the last such line, at most one a minute); logs are taken at POST /v1/logs (OTLP over HTTP: the whole URL), /api/events/raw (Seq, CLEF) and /log/{{path}}", line.Message);
        Assert.DoesNotContain("secret", line.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The seed's documented example, <c>ThreadedHttpHandler('www.example.com:80', '/my_logs/')</c>, is Python's HTTPHandler with
    /// its default method, GET: the record in the query. A POST to a path no endpoint serves was said (issue 11), a GET never, so
    /// a Camelot app moved to the collector with its old URL lost every record without a line anywhere. A GET whose query is a
    /// Python record is said now, its path without the query (the record's text); any other GET of a missing page is not.
    /// </summary>
    [Fact]
    public async Task UnknownPath_PythonHttpHandlersGet_LoggedWithoutTheRecord_OtherGetsNot()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);
        const string Script = """
            import logging, logging.handlers, sys
            log = logging.getLogger('camelot.view')
            log.propagate = False
            log.addHandler(logging.handlers.HTTPHandler(sys.argv[1], sys.argv[2]))
            log.warning('Order %s failed', 'A-7 secret-ish')
            """;

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Get, "my_page/?q=x");
        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority, "/my_logs/");

        Assert.Equal(HttpStatusCode.NotFound, status);
        var line = Assert.Single(log.Entries, e => e.Message.Contains("No ingest endpoint", StringComparison.Ordinal)); // before: none
        Assert.Equal("No ingest endpoint at GET /my_logs/: answered 404 to 127.0.0.1 (0 more of this address since the last such line, at most one a minute); logs are taken at POST /v1/logs (OTLP over HTTP: the whole URL), /api/events/raw (Seq, CLEF) and /log/{path}", line.Message);
        Assert.Empty(await collector.EventsAsync());
    }

    [Theory]
    [InlineData("GET", "api/nothing", HttpStatusCode.NotFound, "no endpoint at /api/nothing")]
    [InlineData("DELETE", "nothing/<b>", HttpStatusCode.NotFound, "no endpoint at /nothing/<b>")]
    [InlineData("PUT", "api/users", HttpStatusCode.MethodNotAllowed, "PUT is not served at /api/users; allowed: DELETE, GET")]
    [InlineData("GET", "v1/logs", HttpStatusCode.MethodNotAllowed, "GET is not served at /v1/logs; allowed: POST")]
    public async Task NoEndpoint_AnyMethod_AnsweredWithTheReasonEscaped(string method, string url, HttpStatusCode expected, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await Http.SendAsync(collector.Client, new HttpMethod(method), url);

        Assert.Equal(expected, status);
        Assert.Equal(reason, Http.Error(body));
        Assert.DoesNotContain("<", body, StringComparison.Ordinal); // JSON-escaped for HTML, like every answer
    }

    [Fact]
    public async Task NoEndpoint_Head_404WithoutABody()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Head, "api/nothing");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Empty(body);
    }
}
