using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §4: an escaped lone surrogate (what CPython's json.dumps writes for surrogateescape text)
/// was a 503 forever. It is stored as U+FFFD; valid pairs and escaped backslashes are untouched.
/// </summary>
public sealed class LoneSurrogateTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("application/json", """{"events":[{"message":"a\ud800b","category":"c\udfff","properties":{"p":"x\ud800\ud800y"}}]}""")]
    [InlineData("application/x-ndjson", "{\"message\":\"a\\ud800b\",\"category\":\"c\\udfff\",\"properties\":{\"p\":\"x\\ud800\\ud800y\"}}\n")]
    public async Task Ingest_LoneSurrogateEscapes_StoredAsReplacementCharacter(string contentType, string body)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/surrogates", Http.Utf8(body), contentType);

        Assert.True(status == HttpStatusCode.OK, text);
        var stored = Assert.Single(await _collector.EventsAsync("user=surrogates"));
        Assert.Equal("a\uFFFDb", stored.GetProperty("message").GetString());
        Assert.Equal("c\uFFFD", stored.GetProperty("category").GetString());
        Assert.Equal("x\uFFFD\uFFFDy", StillServing.Property(stored, "p"));
        await StillServing.AssertAsync(_collector);
    }

    [Fact]
    public async Task Ingest_SurrogatePairAndEscapedBackslash_KeptAsSent()
    {
        var body = """{"events":[{"message":"pair \ud83d\ude00 literal \\ud800 high-then-high \ud800\ud83d\ude00"}]}""";

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/pairs", Http.Utf8(body), "application/json");

        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(["pair \U0001F600 literal \\ud800 high-then-high \uFFFD\U0001F600"], await StillServing.MessagesAsync(_collector, "user=pairs"));
        await StillServing.AssertAsync(_collector);
    }

    /// <summary>
    /// A lone surrogate in a property's name, and a high one before an escape that is no low one (é): replaced alike, in our
    /// format and in CLEF (its template's hole too); never a 500.
    /// </summary>
    [Theory]
    [InlineData("log/names", "application/json", """{"events":[{"message":"names a\ud800\u00e9b","properties":{"k\udfffey":"v\ud800\u00e9"}}]}""", 200)]
    [InlineData("ingest/clef", "application/vnd.serilog.clef", """{"@t":"2026-11-24T10:00:00Z","@mt":"names a\ud800\u00e9b {k\udfffey}","k\udfffey":"v\ud800\u00e9"}""", 201)]
    public async Task Ingest_LoneSurrogateInPropertyNameOrBeforeAnotherEscape_StoredAsReplacementCharacter(string url, string contentType, string body, int expected)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, Http.Utf8(body), contentType);

        Assert.True((int)status == expected, text);
        var stored = Assert.Single(await _collector.EventsAsync("q=names"), e => e.GetProperty("message").GetString()!.StartsWith("names a\uFFFD\u00e9b", StringComparison.Ordinal));
        Assert.Equal("v\uFFFD\u00e9", StillServing.Property(stored, "k\uFFFDey"));
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("/ingest/clef", "application/vnd.serilog.clef")]
    [InlineData("/api/events/raw?clef", "application/json")]
    public async Task IngestClef_LoneSurrogateEscape_StoredAsReplacementCharacter(string url, string contentType)
    {
        var marker = "clef" + Guid.NewGuid().ToString("N");
        var body = "{\"@t\":\"2026-11-24T10:00:00Z\",\"@mt\":\"" + marker + " a\\ud800b\"}\n";

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url.TrimStart('/'), Http.Utf8(body), contentType);

        Assert.True(status == HttpStatusCode.Created, text);
        Assert.Equal([marker + " a\uFFFDb"], await StillServing.MessagesAsync(_collector, "q=" + marker));
        await StillServing.AssertAsync(_collector);
    }

    [Fact]
    public async Task IngestOtlpJson_LoneSurrogateEscape_StoredAsReplacementCharacter()
    {
        var marker = "otlp" + Guid.NewGuid().ToString("N");
        var body = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1764583200000000000\",\"body\":{\"stringValue\":\"" + marker + " a\\ud800b\"},\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"x\\udc00\"}}]}]}]}]}";

        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "v1/logs", Http.Utf8(body), "application/json");

        Assert.True((int)status is >= 200 and < 300, text);
        var stored = Assert.Single(await _collector.EventsAsync("q=" + marker));
        Assert.Equal(marker + " a\uFFFDb", stored.GetProperty("message").GetString());
        Assert.Equal("x\uFFFD", StillServing.Property(stored, "k"));
        await StillServing.AssertAsync(_collector);
    }
}
