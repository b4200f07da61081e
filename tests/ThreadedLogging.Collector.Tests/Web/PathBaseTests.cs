using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Web;

/// <summary>
/// <c>Collector:PathBase</c>: everything the collector serves (the page, its files, the query API, sign-in, ingest,
/// <c>/health</c>, <c>/metrics</c>) answers under the prefix, and nothing without it (404 with the reason); the prefix
/// alone is sent to its folder; the addresses the collector gives (a created rule's <c>Location</c>, the session
/// cookie's <c>Path</c>) carry it. The root-served default is every other test of this project.
/// </summary>
public sealed class PathBaseTests
{
    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "app.js")]
    [InlineData("GET", "api/users")]
    [InlineData("GET", "api/events?user=ana")]
    [InlineData("GET", "auth/session")]
    [InlineData("GET", "health")]
    [InlineData("GET", "metrics")]
    [InlineData("POST", "log/ana")]
    public async Task Request_WithThePrefix_Served_WithoutIt_404NamingTheSetting(string method, string path)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:PathBase=/logs/");
        using var prefixed = new HttpClient { BaseAddress = new Uri(collector.BaseAddress, "logs/") };
        var body = method == "POST" ? Http.Utf8(Http.Envelope(null, new { level = "Information", message = "hello", timestamp = DateTimeOffset.UtcNow, sequence = 1 })) : null;

        var (served, servedText) = await Http.SendAsync(prefixed, new HttpMethod(method), path, body, "application/json");
        var (unprefixed, unprefixedText) = await Http.SendAsync(collector.Client, new HttpMethod(method), path, body, "application/json");

        Assert.True(served == HttpStatusCode.OK, servedText);
        Assert.Equal(HttpStatusCode.NotFound, unprefixed);
        Assert.Equal($"no endpoint at /{path.Split('?')[0]}: this collector serves under /logs/ (Collector:PathBase)", Http.Error(unprefixedText));
    }

    /// <summary>A wrong path under the prefix: the 404 names the path asked for, prefix included (it said /api/nothing).</summary>
    [Theory]
    [InlineData("GET", "api/nothing", "no endpoint at /logs/api/nothing")]
    [InlineData("DELETE", "health", "DELETE is not served at /logs/health;")]
    public async Task WrongPathUnderThePrefix_TheReasonNamesThePathAsAsked(string method, string path, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:PathBase=/logs");
        using var prefixed = new HttpClient { BaseAddress = new Uri(collector.BaseAddress, "logs/") };

        var (status, text) = await Http.SendAsync(prefixed, new HttpMethod(method), path);

        Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, text);
        Assert.StartsWith(reason, Http.Error(text) + ";", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prefix_WithoutItsSlash_RedirectedToTheFolderKeepingTheQuery()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:PathBase=/support/logs");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = collector.BaseAddress };

        using var response = await client.GetAsync(new Uri("support/logs?user=ana", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/support/logs/?user=ana", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AddressesTheCollectorGives_CarryThePrefix()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:PathBase=/logs", "--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret");
        using var prefixed = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(collector.BaseAddress, "logs/") };

        // A level rule made with the admin key: its Location.
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = new StringContent("""{"user":"ana","level":"Debug","duration":"00:30:00"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        create.Headers.Add("X-Api-Key", "admin-secret");
        using var created = await prefixed.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("/logs/api/levels/", created.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The session cookie's Path: the console's folder, or a browser at the root would not send it back.
        using var signIn = await prefixed.PostAsync(new Uri("auth/sign-in", UriKind.Relative), new FormUrlEncodedContent([new("key", "read-secret")]));
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.Contains("path=/logs/;", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }
}
