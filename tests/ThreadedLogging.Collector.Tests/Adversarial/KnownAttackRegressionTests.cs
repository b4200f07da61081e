using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15's attacks that the collector already withstood, kept passing: each gets its status, stores
/// nothing wrong, and a normal client is served afterwards. (Truncated and garbage gzip, gzip bombs, invalid
/// UTF-8 and unknown content types are in <see cref="TruncatedGzipTests"/> and <c>MalformedInputTests</c>.)
/// </summary>
public sealed class KnownAttackRegressionTests : IAsyncLifetime
{
    private const int MaxBody = 1024 * 1024;
    private CollectorFixture _collector = null!;

    public static TheoryData<string, int, string> Refused => new()
    {
        { "deep-json", 400, "malformed JSON" },
        { "deep-ndjson", 400, "line 1" },
        { "huge-form", 413, "MaxEventBytes" },
        { "huge-field", 400, "field 'name'" },
        { "year-10000", 400, "must be an RFC 3339 time" },
        { "year-1", 400, "before 1970" },
        { "created-negative", 400, "'created'" },
        { "created-huge", 400, "'created'" },
        { "level-6", 400, "'level'" },
        { "level-negative", 400, "'level'" },
        { "level-huge", 400, "'level'" },
        { "sequence-not-int64", 400, "'sequence'" },
    };

    public static TheoryData<string> BadQueries =>
    [
        "level=' OR 1=1 --", "from=' OR '1'='1", "to=1; DROP TABLE events", "before=1 OR 1=1", "before=-1",
        "before=99999999999999999999", "limit=0", "limit=-1", "limit=1001", "limit=99999999999", "limit=1;DROP",
        "q=%22%2A%28%29", "q=\"unterminated", "bogus=1", "app=a&app=b",
        // q's operators (docs/QUERY.md): one with nothing on a side, a ')' that closes no '('.
        "q=AND", "q=' OR 1=1 --", "q=NEAR(a b)",
    ];

    public static TheoryData<string> HarmlessQueries =>
    [
        "app=' OR 1=1 --", "user='; DROP TABLE events; --", "machine=x\" OR \"1\"=\"1", "path=%25' --", "path=*",
        "path=[a-z]?", "q=foo* OR bar", "q=\"NEAR(a b)\"", "q=col:foo", "q=-foo ^bar", "q=\"AND\"",
        "q=x' OR 1=1 --", "q=x -(y OR z)", "q=", "before=0", "limit=1000",
    ];

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync(
        $"--Collector:MaxRequestBodyBytes={MaxBody}", "--Collector:MaxEventBytes=65536", "--Collector:MaxFieldLength=256");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Ingest_KnownAttack_RefusedWithReason(string name, int expected, string reason)
    {
        var (body, contentType) = Build(name);

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/victim", body, contentType);

        Assert.Equal(expected, (int)status);
        Assert.Contains(reason, Http.Error(text), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
        await StillServing.AssertAsync(_collector);
    }

    [Fact]
    public async Task Ingest_DeclaredHundredMegabytes_413BeforeReading()
    {
        using var raw = await RawHttp.ConnectAsync(_collector.BaseAddress);
        await raw.SendAsync(RawHttp.Head("POST", "/log/victim", _collector.BaseAddress,
            "Content-Type: application/x-ndjson", "Content-Length: 104857600"));
        await raw.SendAsync("{\"message\":\"big\"}\n");

        var (status, _, body) = await raw.ReadResponseAsync();

        Assert.Equal(413, status);
        Assert.Contains("104857600", Http.Error(body), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
        await StillServing.AssertAsync(_collector);
    }

    [Fact]
    public async Task Ingest_HundredMegabytesChunked_413AtTheLimit()
    {
        using var raw = await RawHttp.ConnectAsync(_collector.BaseAddress);
        await raw.SendAsync(RawHttp.Head("POST", "/log/victim", _collector.BaseAddress,
            "Content-Type: application/x-ndjson", "Transfer-Encoding: chunked"));
        var response = raw.ReadResponseAsync();
        var chunk = Encoding.ASCII.GetBytes("10000\r\n" + string.Concat(Enumerable.Repeat("{\"message\":\"bigbigbig\"}\n", 65536 / 24)).PadRight(65536) + "\r\n");
        try
        {
            for (var sent = 0L; sent < 100L * 1024 * 1024 && !response.IsCompleted; sent += 65536)
            {
                await raw.SendAsync(chunk);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The server answered and closed while the rest was on its way.
        }

        var (status, _, body) = await response;
        Assert.Equal(413, status);
        Assert.Contains("exceeds", Http.Error(body), StringComparison.Ordinal);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
        await StillServing.AssertAsync(_collector);
    }

    [Fact]
    public async Task Ingest_ContentLengthLargerThanSent_NothingStored()
    {
        using var raw = await RawHttp.ConnectAsync(_collector.BaseAddress);
        await raw.SendAsync(RawHttp.Head("POST", "/log/victim", _collector.BaseAddress, "Content-Type: application/json", "Content-Length: 5000"));
        await raw.SendAsync("{\"events\":[{\"message\":\"short\"}]}");
        raw.ShutdownSend();
        await raw.WaitForCloseAsync();

        Assert.Empty(await _collector.EventsAsync("path=victim"));
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("application/json", "{\"events\":[{\"message\":\"a\\u0000b\"}]}", "a\0b")]
    [InlineData("application/x-www-form-urlencoded", "msg=a%00b&levelno=20", "a\0b")]
    [InlineData("application/json", "{\"events\":[{\"message\":\"first\",\"message\":\"dup-last\"}]}", "dup-last")]
    [InlineData("application/x-www-form-urlencoded", "msg=first&msg=dup-last&levelno=20", "dup-last")]
    public async Task Ingest_NulBytesAndDuplicateKeys_StoredAsSent(string contentType, string body, string message)
    {
        var user = "odd-" + Guid.NewGuid().ToString("N");

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), contentType);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal([message], await StillServing.MessagesAsync(_collector, "user=" + user));
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("99999", "Critical")]
    [InlineData("-5", "Trace")]
    [InlineData("99999999999999", "Information")]
    public async Task Ingest_PythonLevelOutOfRange_MappedToNearestLevel(string levelno, string level)
    {
        var user = "lvl-" + Guid.NewGuid().ToString("N");

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8("msg=x&levelno=" + levelno), "application/x-www-form-urlencoded");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(level, Assert.Single(await _collector.EventsAsync("user=" + user)).GetProperty("level").GetString());
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Events_MalformedOrHostileParameters_400WithReason(string query)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace(Http.Error(text)));
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [MemberData(nameof(HarmlessQueries))]
    public async Task Events_SqlOrFtsSyntaxInFilters_TakenAsTextNothingElse(string query)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?" + query);

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.DoesNotContain("victim", text, StringComparison.Ordinal);
        await StillServing.AssertAsync(_collector);
    }

    private static (byte[] Body, string ContentType) Build(string name)
    {
        static (byte[], string) Json(string events) => (Http.Utf8("{\"events\":[" + events + "]}"), "application/json");
        static (byte[], string) Form(string form) => (Http.Utf8(form), "application/x-www-form-urlencoded");
        var deep = new string('[', 200) + new string(']', 200);
        return name switch
        {
            "deep-json" => Json("{\"message\":\"x\",\"properties\":{\"p\":" + deep + "}}"),
            "deep-ndjson" => (Http.Utf8("{\"message\":\"x\",\"scopes\":" + deep + "}\n"), "application/x-ndjson"),
            "huge-form" => Form("msg=x&" + string.Join("&", Enumerable.Range(0, 20_000).Select(i => $"f{i}=v"))),
            "huge-field" => Form("msg=x&name=" + new string('n', 300)),
            "year-10000" => Json("{\"message\":\"x\",\"timestamp\":\"10000-01-01T00:00:00Z\"}"),
            "year-1" => Json("{\"message\":\"x\",\"timestamp\":\"0001-01-01T00:00:00Z\"}"),
            "created-negative" => Form("msg=x&created=-1"),
            "created-huge" => Form("msg=x&created=1e300"),
            "level-6" => Json("{\"message\":\"x\",\"level\":6}"),
            "level-negative" => Json("{\"message\":\"x\",\"level\":-1}"),
            "level-huge" => Json("{\"message\":\"x\",\"level\":99999999999}"),
            "sequence-not-int64" => Json("{\"message\":\"x\",\"sequence\":99999999999999999999}"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
