using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>Configured keys are enforced (even on loopback), in any of the three forms clients send.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync(
        "--Collector:IngestApiKeys:0=ingest-one", "--Collector:IngestApiKeys:1=ingest-two", "--Collector:ReadApiKey=read-key");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("none", null, HttpStatusCode.Unauthorized)]
    [InlineData("x-api-key", "wrong", HttpStatusCode.Unauthorized)]
    [InlineData("x-api-key", "read-key", HttpStatusCode.Unauthorized)]
    [InlineData("x-api-key", "ingest-one", HttpStatusCode.OK)]
    [InlineData("bearer", "ingest-two", HttpStatusCode.OK)]
    [InlineData("basic", "ingest-one", HttpStatusCode.OK)]
    [InlineData("basic", "ingest-on", HttpStatusCode.Unauthorized)]
    [InlineData("basic-user", "ingest-one", HttpStatusCode.OK)] // curl -u KEY: (review14: refused, and counted a wrong guess)
    [InlineData("basic-user", "ingest-on", HttpStatusCode.Unauthorized)]
    public async Task Ingest_Key_Enforced(string form, string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("log/keyed", UriKind.Relative))
        {
            Content = new StringContent("{\"events\":[{\"message\":\"m\"}]}", Encoding.UTF8, "application/json"),
        };
        Authenticate(request, form, key);

        using var response = await _collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("log/keyed", null, "missing API key: send one of the ingest keys (Collector:IngestApiKeys) in X-Api-Key, Authorization: Bearer or the Basic password")]
    [InlineData("log/keyed", "read-key", "invalid API key: not one of the ingest keys (Collector:IngestApiKeys)")]
    // The Seq-compatible endpoints take Seq's header and query too; the reason named X-Api-Key only (review11 nit).
    [InlineData("api/events/raw", null, "missing API key: send one of the ingest keys (Collector:IngestApiKeys) in X-Seq-ApiKey, X-Api-Key, ?apiKey=, Authorization: Bearer or the Basic password")]
    [InlineData("ingest/clef", null, "missing API key: send one of the ingest keys (Collector:IngestApiKeys) in X-Seq-ApiKey, X-Api-Key, ?apiKey=, Authorization: Bearer or the Basic password")]
    [InlineData("api/events?user=alice", null, "missing API key: send one of the read or admin keys (Collector:ReadApiKey(s), Collector:AdminApiKey(s)) in X-Api-Key, Authorization: Bearer or the Basic password")]
    [InlineData("api/events?user=alice", "ingest-one", "invalid API key: not one of the read or admin keys (Collector:ReadApiKey(s), Collector:AdminApiKey(s))")]
    public async Task Refused_Key_ReasonNamesTheKeysAndWhereToSendThem(string url, string? key, string reason)
    {
        // "missing API key" alone told a newcomer's curl (README's read API) or app neither which key nor where it goes.
        var ingest = !url.StartsWith("api/events?", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(ingest ? HttpMethod.Post : HttpMethod.Get, new Uri(url, UriKind.Relative))
        {
            Content = ingest ? new StringContent("{\"events\":[{\"message\":\"m\"}]}", Encoding.UTF8, "application/json") : null,
        };
        Authenticate(request, key is null ? "none" : "x-api-key", key);

        using var response = await _collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"{{\"error\":\"{reason}\"}}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("api/events", "none", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events", "x-api-key", "ingest-one", HttpStatusCode.Unauthorized)]
    [InlineData("api/events", "x-api-key", "read-key", HttpStatusCode.OK)]
    [InlineData("api/users", "bearer", "read-key", HttpStatusCode.OK)]
    [InlineData("api/users", "none", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events/histogram", "none", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events/histogram", "x-api-key", "ingest-one", HttpStatusCode.Unauthorized)]
    [InlineData("api/events/histogram", "x-api-key", "read-key", HttpStatusCode.OK)]
    [InlineData("api/events/top?field=user", "none", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events/top?field=user", "x-api-key", "ingest-one", HttpStatusCode.Unauthorized)]
    [InlineData("api/events/top?field=user", "x-api-key", "read-key", HttpStatusCode.OK)]
    [InlineData("api/events/summary?top=user,template", "none", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events/summary?top=user,template", "x-api-key", "ingest-one", HttpStatusCode.Unauthorized)]
    [InlineData("api/events/summary?top=user,template", "x-api-key", "read-key", HttpStatusCode.OK)]
    [InlineData("", "basic", "read-key", HttpStatusCode.OK)]
    [InlineData("", "none", null, HttpStatusCode.OK)] // the page holds no data and shows the sign-in form
    [InlineData("health", "none", null, HttpStatusCode.OK)]
    public async Task Read_Key_Enforced(string url, string form, string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        Authenticate(request, form, key);

        using var response = await _collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            // Lets a browser ask for the read key on the support page.
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.First().Scheme);
        }
    }

    /// <summary>
    /// Security review: a browser that was given the read key at the Basic prompt (an API address opened directly) sends it
    /// by itself with every request to the collector, another site's too (an image, a link, an EventSource: exports and live
    /// streams started from any page the support engineer visits). Basic credentials on a request a browser says comes from
    /// another site are refused; the same request from the collector's own page, or typed in the address bar, is served.
    /// </summary>
    [Theory]
    [InlineData("cross-site", HttpStatusCode.Forbidden)]
    [InlineData("same-site", HttpStatusCode.Forbidden)]
    [InlineData("same-origin", HttpStatusCode.OK)]
    [InlineData("none", HttpStatusCode.OK)]
    public async Task Read_BasicCredentialsFromAnotherSite_Refused(string secFetchSite, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/export?format=csv", UriKind.Relative));
        Authenticate(request, "basic", "read-key");
        request.Headers.Add("Sec-Fetch-Site", secFetchSite);

        using var response = await _collector.Client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Contains("Basic", Http.Error(body), StringComparison.Ordinal);
        }
    }

    private static void Authenticate(HttpRequestMessage request, string form, string? key)
    {
        switch (form)
        {
            case "x-api-key":
                request.Headers.Add("X-Api-Key", key);
                break;
            case "bearer":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                break;
            case "basic":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + key)));
                break;
            case "basic-user":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
                break;
        }
    }
}
