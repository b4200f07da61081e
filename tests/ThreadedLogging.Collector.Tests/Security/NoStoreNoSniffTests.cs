using System.Net;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>Security review: API answers and errors are not cached and not sniffed; the page is revalidated, never sniffed.</summary>
public sealed class NoStoreNoSniffTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-key");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("api/events", "read-key", HttpStatusCode.OK)]
    [InlineData("api/users", "read-key", HttpStatusCode.OK)]
    [InlineData("api/levels", "read-key", HttpStatusCode.OK)]
    [InlineData("api/events/histogram", "read-key", HttpStatusCode.OK)]
    [InlineData("api/events", null, HttpStatusCode.Unauthorized)]
    [InlineData("api/events", "wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("api/events?limit=nope", "read-key", HttpStatusCode.BadRequest)]
    [InlineData("api/events/999999", "read-key", HttpStatusCode.NotFound)]
    [InlineData("api/no-such-thing", "read-key", HttpStatusCode.NotFound)]
    [InlineData("health", null, HttpStatusCode.OK)]
    public async Task Answer_ApiOrError_NoStoreAndNoSniff(string url, string? key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await _collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Answer_MethodNotServed_405NoStoreAndNoSniff()
    {
        using var response = await _collector.Client.DeleteAsync(new Uri("health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("")]
    [InlineData("app.js")]
    public async Task Page_Served_RevalidatedNotStoredAndNoSniff(string url)
    {
        using var response = await _collector.Client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
