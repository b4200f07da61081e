using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Web;

/// <summary>The support page renders nothing on the server; data reaches it as escaped JSON and is shown with textContent.</summary>
public sealed class SupportUiTests
{
    private const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";

    [Fact]
    public async Task Page_IsStaticWithStrictPolicy_NoDataRendered()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.SendAsync(collector.Client, HttpMethod.Post, "log/mallory", Http.Utf8(Http.Envelope("x", new { message = Hostile, category = Hostile })), "application/json");

        using var page = await collector.Client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.DoesNotContain("mallory", html, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(", html, StringComparison.Ordinal);
        // Relative to the page: the console under a proxy's prefix loads its files from there (PathBaseTests).
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.js")]
    [InlineData("dom.js")]
    [InlineData("api.js")]
    [InlineData("state.js")]
    [InlineData("users.js")]
    [InlineData("timeline.js")]
    [InlineData("detail.js")]
    [InlineData("levels.js")]
    [InlineData("reach.js")]
    [InlineData("filters.js")]
    public async Task Script_UsesTextContentOnly(string module)
    {
        await using var collector = await CollectorFixture.StartAsync();

        using var response = await collector.Client.GetAsync(new Uri(module, UriKind.Relative));
        var script = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);

        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("outerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("favicon.ico")]
    [InlineData("favicon.svg")]
    public async Task Favicon_Requested_ServedFromTheCollector(string path)
    {
        await using var collector = await CollectorFixture.StartAsync();

        using var response = await collector.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<svg", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_HostileMessage_ComesBackEscapedInJson()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.SendAsync(collector.Client, HttpMethod.Post, "log/mallory", Http.Utf8(Http.Envelope("x", new { message = Hostile, properties = new { html = Hostile } })), "application/json");

        var raw = Encoding.UTF8.GetString(await collector.Client.GetByteArrayAsync(new Uri("api/events?user=mallory", UriKind.Relative)));
        var parsed = Assert.Single(await collector.EventsAsync("user=mallory"));

        Assert.DoesNotContain("<script>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", raw, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003E", raw, StringComparison.Ordinal);
        Assert.Equal(Hostile, parsed.GetProperty("message").GetString());
        Assert.Equal(Hostile, parsed.GetProperty("properties").GetProperty("html").GetString());
    }
}
