using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// The support page behind a TLS-terminating proxy (README, TLS): the browser is at <c>https://logs.example.com</c>, the
/// collector listens on plain http on loopback (and reads <c>X-Forwarded-Proto</c> only from a listed proxy). With <c>Collector:PublicUrl</c> set to
/// the browser's address, that origin is the collector's own: sign-in and the admin session's changes are taken (they
/// were refused as cross-origin, so no one could sign in behind the proxy README recommends), and the session cookie
/// is <c>Secure</c>. Any other origin is still refused, and the refusal says which setting makes an origin the collector's.
/// </summary>
public sealed class PublicUrlSessionTests : IAsyncLifetime
{
    private const string PublicOrigin = "https://logs.example.com";

    private CollectorFixture _collector = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key", "--Collector:PublicUrl=" + PublicOrigin + "/");
        _browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _collector.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_OriginOfPublicUrlThroughTlsProxy_SecureCookieThatReads()
    {
        using var signIn = await SignInAsync("read-key", PublicOrigin);

        Assert.True(signIn.StatusCode == HttpStatusCode.NoContent, await signIn.Content.ReadAsStringAsync());
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-tl_session=", setCookie, StringComparison.Ordinal); // https at the root: host-only
        Assert.Contains("; path=/;", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        using var events = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events", UriKind.Relative));
        events.Headers.Add("Cookie", setCookie.Split(';')[0]);
        using var read = await _browser.SendAsync(events);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task AdminSession_ChangeFromOriginOfPublicUrl_Taken()
    {
        using var signIn = await SignInAsync("admin-key", PublicOrigin);
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = new StringContent("""{"user":"alice","level":"Debug","duration":"00:30:00"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", PublicOrigin);
        request.Headers.Add("X-Requested-With", "ThreadedLogging.Console");
        request.Headers.Add("Cookie", signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);

        using var created = await _browser.SendAsync(request);

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Security review: over https at the root the session is a <c>__Host-</c> cookie, which no sibling subdomain or
    /// plain-http answer can set; a <c>tl_session</c> cookie there (planted, or from before) does not count, even with a live token.
    /// </summary>
    [Fact]
    public async Task AdminSession_PlainCookieNameOverHttpsAtTheRoot_DoesNotCount()
    {
        using var signIn = await SignInAsync("admin-key", PublicOrigin);
        var token = Assert.Single(signIn.Headers.GetValues("Set-Cookie")).Split(';')[0].Split('=', 2)[1];

        using var plain = await CreateRuleAsync("tl_session=" + token);
        using var host = await CreateRuleAsync("__Host-tl_session=" + token);

        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.True(host.StatusCode == HttpStatusCode.Created, await host.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Security: a GET through the TLS proxy carries no <c>Origin</c>, so a plain <c>tl_session</c> cookie was read there
    /// as on the collector's own http address: one planted by a sibling subdomain or a plain-http answer (any live
    /// session, the planter's own) signed a signed-out browser into that session. A request addressed to PublicUrl's host
    /// (a proxy that passes <c>Host</c> on) is now https: only <c>__Host-tl_session</c> counts; the own address still reads.
    /// </summary>
    [Fact]
    public async Task Read_PlainCookieOnAGetToThePublicHost_DoesNotCount_OwnHttpAddressStillReads()
    {
        using var signIn = await SignInAsync("read-key", _collector.BaseAddress.GetLeftPart(UriPartial.Authority));
        var token = Assert.Single(signIn.Headers.GetValues("Set-Cookie")).Split(';')[0].Split('=', 2)[1]; // a live tl_session, the planter's own

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(_browser, "tl_session=" + token, host: "logs.example.com"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_browser, "__Host-tl_session=" + token, host: "logs.example.com"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_browser, "tl_session=" + token));
    }

    /// <summary>
    /// Security: the same through a proxy listed in <c>Collector:TrustedProxies</c> that says <c>X-Forwarded-Proto: https</c>
    /// (no PublicUrl, <c>Host</c> passed on or not): the plain cookie was read, and the browser's sign-in through it was
    /// refused as cross-origin (its origin https, the request http). Now the request is https: sign-in gives the
    /// <c>__Host-</c> cookie, which reads, and a plain one does not count; plain http through it still reads with it.
    /// </summary>
    [Fact]
    public async Task Read_PlainCookieThroughAListedProxySayingHttps_DoesNotCount_SignInThroughItGivesTheHostCookie()
    {
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:TrustedProxies:0=127.0.0.1");
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = collector.BaseAddress };
        using var planted = await SignInAsync(browser, "read-key", collector.BaseAddress.GetLeftPart(UriPartial.Authority));
        var token = Assert.Single(planted.Headers.GetValues("Set-Cookie")).Split(';')[0].Split('=', 2)[1];

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(browser, "tl_session=" + token, forwardedProto: "https"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(browser, "tl_session=" + token, host: "logs.example.com", forwardedProto: "https"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(browser, "__Host-tl_session=" + token, forwardedProto: "https"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(browser, "tl_session=" + token, forwardedProto: "http"));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "read-key" }),
        };
        request.Headers.Host = "logs.example.com";
        request.Headers.Add("Origin", PublicOrigin);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var signIn = await browser.SendAsync(request);
        Assert.True(signIn.StatusCode == HttpStatusCode.NoContent, await signIn.Content.ReadAsStringAsync());
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-tl_session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(browser, setCookie.Split(';')[0], host: "logs.example.com", forwardedProto: "https"));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://logs.example.com")]
    [InlineData("https://logs.example.com:8443")]
    public async Task SignIn_OriginNeitherOwnNorPublicUrl_403NamingTheSetting(string origin)
    {
        using var response = await SignInAsync("read-key", origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var error = Http.Error(await response.Content.ReadAsStringAsync());
        Assert.Contains($"Origin {origin}", error, StringComparison.Ordinal);
        Assert.Contains("Collector:PublicUrl", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OwnHttpOriginWithHttpsPublicUrl_CookieNotSecure()
    {
        // A browser at the collector's own http address (on the LAN, past the proxy) drops a Secure cookie sent over
        // http: the sign-in answered 204 and the session never stuck.
        var own = _collector.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var signIn = await SignInAsync("read-key", own);

        Assert.True(signIn.StatusCode == HttpStatusCode.NoContent, await signIn.Content.ReadAsStringAsync());
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("tl_session=", setCookie, StringComparison.Ordinal); // not Secure: no __Host- prefix
    }

    [Fact]
    public async Task SignIn_PublicUrlWithAnInternationalHost_ItsPunycodeOriginTaken()
    {
        // Browsers send a host name's ASCII form; the Unicode one never matched, so sign-in behind the proxy was 403.
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:PublicUrl=https://b\u00fccher.example/");
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = collector.BaseAddress };

        using var signIn = await SignInAsync(browser, "read-key", "https://xn--bcher-kva.example");

        Assert.True(signIn.StatusCode == HttpStatusCode.NoContent, await signIn.Content.ReadAsStringAsync());
        Assert.Contains("secure", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    private Task<HttpResponseMessage> SignInAsync(string key, string origin) => SignInAsync(_browser, key, origin);

    /// <summary>A browser's GET of the events with <paramref name="cookie"/>, addressed to <paramref name="host"/> (else the collector's own), through a proxy saying <paramref name="forwardedProto"/> (else directly).</summary>
    private static async Task<HttpStatusCode> ReadAsync(HttpClient browser, string cookie, string? host = null, string? forwardedProto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await browser.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> CreateRuleAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = new StringContent("""{"user":"alice","level":"Debug","duration":"00:30:00"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", PublicOrigin);
        request.Headers.Add("X-Requested-With", "ThreadedLogging.Console");
        request.Headers.Add("Cookie", cookie);
        return await _browser.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }),
        };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return await browser.SendAsync(request);
    }
}
