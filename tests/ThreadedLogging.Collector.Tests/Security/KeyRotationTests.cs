using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// Key rotation: every key change took a restart (the ring was built once) and reading and changes took one key each.
/// Each role now takes several keys, and a change of the <c>--config</c> file replaces them in the running collector;
/// a file that does not pass keeps the keys in force. Each step waits for the collector's line about the reload.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string NotReloaded = "API keys not reloaded, the keys in force stay:";
    private const string NotRead = "Settings file not read, the settings last read from it stay until it is read whole:";

    private readonly TempDirectory _folder = new();
    private readonly LogSignal _reloads = new(typeof(ApiKeyReload).FullName!);
    private CollectorFixture _collector = null!;
    private string _file = null!;

    public async Task InitializeAsync()
    {
        _file = Path.Combine(_folder.Path, "collector.json");
        Write(ingest: ["ingest-key-1"], read: ["old-read-key"], admin: ["old-admin-key"]);
        _collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<ILoggerProvider>(_reloads),
            "--config", _file, $"--Logging:LogLevel:{typeof(ApiKeyReload).FullName}=Information");
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _reloads.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task ConfigFileChanged_OldAndNewKeysDuringTheOverlap_OldRefusedOnceDropped_NoRestart()
    {
        Assert.Equal(HttpStatusCode.OK, await ReadAsync("old-read-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync("new-read-key"));

        Write(ingest: ["ingest-key-1", "ingest-key-2"], read: ["old-read-key", "new-read-key"], admin: ["old-admin-key", "new-admin-key"]);
        Assert.StartsWith("API keys reloaded: 2 ingest, 2 read, 2 admin", await NextReloadAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await ReadAsync("old-read-key"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync("new-read-key"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync("new-admin-key"));
        Assert.Equal(HttpStatusCode.OK, await IngestAsync("ingest-key-2"));

        Write(ingest: ["ingest-key-2"], read: ["new-read-key"], admin: ["new-admin-key"]);
        Assert.StartsWith("API keys reloaded: 1 ingest, 1 read, 1 admin", await NextReloadAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync("old-read-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync("old-admin-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await IngestAsync("ingest-key-1"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync("new-read-key"));
        Assert.Equal(HttpStatusCode.OK, await IngestAsync("ingest-key-2"));
    }

    [Fact]
    public async Task ConfigFileChanged_KeyRemoved_ConsoleSessionsSignedInWithItEnd_OthersStay()
    {
        // A leaked key is revoked by removing it: a session signed in with it (the leaker's) read on for Collector:SessionLifetime, 12 h.
        // Cookies by hand (the fixture's client keeps them): each session is sent alone.
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _collector.BaseAddress };
        var oldRead = await SignInAsync(browser, "old-read-key");
        var oldAdmin = await SignInAsync(browser, "old-admin-key");
        Assert.Empty(await SignInAsync(browser, "new-read-key", expected: HttpStatusCode.Unauthorized));
        Write(ingest: ["ingest-key-1"], read: ["old-read-key", "new-read-key"], admin: ["old-admin-key", "new-admin-key"]);
        Assert.StartsWith("API keys reloaded: 1 ingest, 2 read, 2 admin", await NextReloadAsync(), StringComparison.Ordinal);
        var newRead = await SignInAsync(browser, "new-read-key");
        var newAdmin = await SignInAsync(browser, "new-admin-key");
        Assert.Equal(HttpStatusCode.OK, await ReadWithSessionAsync(browser, oldRead));

        Write(ingest: ["ingest-key-1"], read: ["new-read-key"], admin: ["new-admin-key"]);
        Assert.StartsWith("API keys reloaded: 1 ingest, 1 read, 1 admin", await NextReloadAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithSessionAsync(browser, oldRead));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithSessionAsync(browser, oldAdmin));
        Assert.Equal(HttpStatusCode.OK, await ReadWithSessionAsync(browser, newRead));
        Assert.Equal(HttpStatusCode.OK, await ReadWithSessionAsync(browser, newAdmin));
    }

    [Fact]
    public async Task ConfigFileChanged_KeyRemoved_LiveTailOpenedWithItEnds_NothingSentAfter()
    {
        // A live tail opened with a key (curl, a script) was checked once: it streamed every new event for as long as it stayed open.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events/stream");
        request.Headers.Add(ApiKeyReader.HeaderName, "old-read-key");
        using var response = await _collector.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = SseParser.Create(await response.Content.ReadAsStreamAsync(bound.Token)).EnumerateAsync(bound.Token).GetAsyncEnumerator(bound.Token);
        await using var _ = items;
        Assert.True(await items.MoveNextAsync());
        Assert.Equal("ready", items.Current.EventType);

        Write(ingest: ["ingest-key-1"], read: ["new-read-key"], admin: ["old-admin-key"]);
        Assert.StartsWith("API keys reloaded: 1 ingest, 1 read, 1 admin", await NextReloadAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await IngestAsync("ingest-key-1"));

        // The stream ends (at the commit, or at a heartbeat before it) instead of sending the event.
        string? sent = null;
        while (sent is null && await items.MoveNextAsync())
        {
            sent = items.Current.EventType == "ping" ? null : items.Current.EventType + ": " + items.Current.Data;
        }

        Assert.Null(sent);
    }

    [Theory]
    [InlineData("{ \"Collector\": { \"ReadApiKeys\": [\"new-read-key\"", "is not a JSON object of settings", NotRead)]
    [InlineData("""{ "Collector": { "IngestApiKeys": ["ingest-key-1"], "ReadApiKeys": ["new-read-key "], "AdminApiKeys": ["old-admin-key"] } }""", "Collector:ReadApiKeys:0 starts or ends with white space", NotReloaded)]
    [InlineData("""{ "Collector": { "IngestApiKeys": ["ingest-key-1"], "ReadApiKeys": ["ingest-key-1"], "AdminApiKeys": ["old-admin-key"] } }""", "are the same key", NotReloaded)]
    [InlineData("""{ "Collector": { "IngestApiKeys": ["ingest-key-1"], "AdminApiKeys": ["old-admin-key"] } }""", "Collector:ReadApiKey(s) would have no key left", NotReloaded)]
    [InlineData("""{ "Collector": { "IngestApiKeys": ["ingest-key-1"], "ReadApiKeys": ["new-read-key"], "AdminApiKeys": ["old-admin-key"], "MaxQueryLimit": 0 } }""", "Collector:MaxQueryLimit must be between", NotReloaded)]
    public async Task ConfigFileChanged_BadNewValue_OldKeysKeptAndWhyLogged(string file, string reason, string said)
    {
        Replace(file);

        var line = await NextReloadAsync();

        Assert.StartsWith(said, line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.DoesNotContain("new-read-key", line, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync("old-read-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync("new-read-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(null));
    }

    // A bound on a collector that never reloads (the file watcher's own delay is a quarter second), not a timing.
    private Task<string> NextReloadAsync() => _reloads.NextAsync().WaitAsync(TimeSpan.FromMinutes(1));

    private void Write(string[] ingest, string[] read, string[] admin) =>
        Replace(JsonSerializer.Serialize(new { Collector = new { IngestApiKeys = ingest, ReadApiKeys = read, AdminApiKeys = admin } }));

    /// <summary>Replaces the file whole (written beside it, then renamed over it), as an editor or a deployment does: the watcher never reads half of it.</summary>
    private void Replace(string text)
    {
        var next = _file + ".next";
        File.WriteAllText(next, text);
        File.Move(next, _file, overwrite: true);
    }

    private async Task<HttpStatusCode> ReadAsync(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        if (key is not null)
        {
            request.Headers.Add(ApiKeyReader.HeaderName, key);
        }

        using var response = await _collector.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Signs in at the console's form; returns the session's cookie (name=value) when <paramref name="expected"/> is 204.</summary>
    private static async Task<string> SignInAsync(HttpClient browser, string key, HttpStatusCode expected = HttpStatusCode.NoContent)
    {
        using var response = await browser.PostAsync(new Uri("auth/sign-in", UriKind.Relative), new FormUrlEncodedContent([new("key", key)]));
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.NoContent ? response.Headers.GetValues("Set-Cookie").Single().Split(';')[0] : string.Empty;
    }

    private static async Task<HttpStatusCode> ReadWithSessionAsync(HttpClient browser, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        request.Headers.Add("Cookie", cookie);
        using var response = await browser.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> IngestAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = new StringContent(Http.Envelope(null, new { message = "m" }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ApiKeyReader.HeaderName, key);
        using var response = await _collector.Client.SendAsync(request);
        return response.StatusCode;
    }
}
