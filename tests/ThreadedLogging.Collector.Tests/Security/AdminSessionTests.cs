using System.Net;
using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// Level rules from the support page (issue 13): the sign-in form also takes the admin key and gives a session
/// that changes rules; such a change must be same-origin and carry the console's header (CSRF); a read-only
/// session reads the rules and gets 403 when it tries to change them.
/// </summary>
public sealed class AdminSessionTests : IAsyncLifetime
{
    private const string ConsoleHeader = "X-Requested-With";
    private const string ConsoleValue = "ThreadedLogging.Console";
    private const string AliceDebug = """{"user":"alice","level":"Debug","duration":"00:30:00"}""";

    private CollectorFixture _collector = null!;
    private HttpClient _browser = null!;

    private string Origin => _collector.BaseAddress.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key");
        _browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _collector.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task AdminSession_ConsoleHeaderSameOrigin_CreatesAndRevokesRule()
    {
        var cookie = await SignInAsync("admin-key");
        var session = await GetJsonAsync("auth/session", cookie);
        Assert.True(session.GetProperty("canChangeLevels").GetBoolean());
        Assert.False(session.GetProperty("adminSignIn").GetBoolean());

        using var created = await SendAsync(HttpMethod.Post, "api/levels", cookie, AliceDebug);
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        var rule = JsonDocument.Parse(text).RootElement;
        Assert.Equal("AdminApiKey (console session)", rule.GetProperty("createdBy").GetString());
        var id = rule.GetProperty("id").GetInt64();

        using var revoked = await SendAsync(HttpMethod.Delete, $"api/levels/{id}", cookie);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var levels = await GetJsonAsync("api/levels", cookie);
        Assert.Empty(levels.GetProperty("rules").EnumerateArray());
        Assert.Equal(["revoked", "created"], levels.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task AdminSession_WithoutConsoleHeader_403()
    {
        var cookie = await SignInAsync("admin-key");

        using var response = await SendAsync(HttpMethod.Post, "api/levels", cookie, AliceDebug, consoleHeader: false);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(ConsoleHeader, Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminSession_FromAnotherOrigin_403()
    {
        var cookie = await SignInAsync("admin-key");

        using var response = await SendAsync(HttpMethod.Post, "api/levels", cookie, AliceDebug, origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin", Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadSession_ChangeRule_403ButReadsRules()
    {
        var cookie = await SignInAsync("read-key");
        var session = await GetJsonAsync("auth/session", cookie);
        Assert.False(session.GetProperty("canChangeLevels").GetBoolean());
        Assert.True(session.GetProperty("adminSignIn").GetBoolean());

        using var response = await SendAsync(HttpMethod.Post, "api/levels", cookie, AliceDebug);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("only reads", Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Empty((await GetJsonAsync("api/levels", cookie)).GetProperty("rules").EnumerateArray());
    }

    [Fact]
    public async Task LevelChange_NoCredential_401()
    {
        using var response = await SendAsync(HttpMethod.Post, "api/levels", cookie: null, AliceDebug);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OpenLoopbackCollector_NoKeys_ConsoleMayChangeLevels()
    {
        await using var open = await CollectorFixture.StartAsync();

        var session = await open.GetJsonAsync("auth/session");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative)) { Content = new StringContent(AliceDebug, Encoding.UTF8, "application/json") };
        request.Headers.Add(ConsoleHeader, ConsoleValue);
        using var created = await open.Client.SendAsync(request);

        Assert.True(session.GetProperty("canChangeLevels").GetBoolean());
        Assert.False(session.GetProperty("adminSignIn").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<string> SignInAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }),
        };
        request.Headers.Add("Origin", Origin);
        using var response = await _browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? cookie, string? json = null, bool consoleHeader = true, string? origin = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("Origin", origin ?? Origin);
        if (consoleHeader)
        {
            request.Headers.Add(ConsoleHeader, ConsoleValue);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await _browser.SendAsync(request);
    }

    private async Task<JsonElement> GetJsonAsync(string url, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await _browser.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
