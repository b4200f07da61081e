using System.Net;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>The support page's sign-in (issue 10): a form posts the read key once; a session cookie does the rest.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-key");
        // Cookies by hand: the test sees exactly what the server sets and sends.
        _browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _collector.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_WrongKey_401AndNoCookie()
    {
        using var response = await SignInAsync("wrong-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("wrong key", Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_RightKey_StrictHttpOnlyCookieOpensApiUntilSignOut()
    {
        using var signIn = await SignInAsync("read-key");
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.StartsWith("tl_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain http here; Secure under https
        Assert.DoesNotContain("read-key", setCookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync("api/events", cookie));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync("api/users", cookie));
        Assert.Contains("\"signedIn\":true", await GetBodyAsync("auth/session", cookie), StringComparison.Ordinal);

        using var signOut = await PostAsync("auth/sign-out", cookie, origin: _collector.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync("api/events", cookie));
        Assert.Contains("\"signedIn\":false", await GetBodyAsync("auth/session", cookie), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FromAnotherOrigin_403()
    {
        using var response = await SignInAsync("read-key", origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("tl_session=forged")]
    [InlineData("tl_session=")]
    public async Task Api_ForgedCookie_401(string cookie) =>
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync("api/events", cookie));

    [Fact]
    public async Task Api_PageRequestWithoutSession_401WithoutBasicChallenge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events", UriKind.Relative));
        request.Headers.Add("Sec-Fetch-Mode", "cors");

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task SignIn_FormThatCannotBeRead_400WithReason()
    {
        // More fields than the form reader takes made it throw: 500.
        using var response = await PostFormAsync(string.Join('&', Enumerable.Range(0, 100).Select(i => $"f{i}=1")), "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the sign-in form cannot be read", Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nread-key\r\n--x--\r\n")]
    [InlineData("multipart/form-data", "garbage")]
    [InlineData("application/json", "{\"key\":\"read-key\"}")]
    [InlineData("application/x-www-form-urlencodedx", "key=read-key")]
    public async Task SignIn_NotUrlEncodedForm_415BeforeReadingIt(string contentType, string body)
    {
        // Security review: multipart was parsed (files into temporary files) before any key was shown; even with the right key it is refused.
        using var response = await PostFormAsync(body, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/x-www-form-urlencoded", Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignIn_FormLargerThanLimit_413(bool chunked)
    {
        var body = "key=read-key&pad=" + new string('p', SessionApi.MaxFormBytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative));
        request.Headers.Add("Origin", _collector.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Content = chunked ? new StreamContent(new MemoryStream(Http.Utf8(body))) : new StringContent(body);
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"the sign-in form is larger than {SessionApi.MaxFormBytes} bytes", Http.Error(await response.Content.ReadAsStringAsync()));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private Task<HttpResponseMessage> PostFormAsync(string body, string contentType)
    {
        var content = new StringContent(body);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return PostAsync("auth/sign-in", null, _collector.BaseAddress.GetLeftPart(UriPartial.Authority), content);
    }

    private Task<HttpResponseMessage> SignInAsync(string key, string? origin = null) =>
        PostAsync("auth/sign-in", null, origin ?? _collector.BaseAddress.GetLeftPart(UriPartial.Authority), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }));

    private async Task<HttpResponseMessage> PostAsync(string url, string? cookie, string origin, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = content };
        request.Headers.Add("Origin", origin);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await _browser.SendAsync(request);
    }

    private async Task<HttpStatusCode> GetStatusAsync(string url, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await _browser.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> GetBodyAsync(string url, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await _browser.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
