using System.Net;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// <see cref="ThreadedHttpHandlerOptions.Proxy"/>: apps installed on machines of a company network reach the collector
/// through its proxy. A real proxy (tinyproxy) in front of the loopback receiver; it marks what it forwards with <c>Via</c>.
/// </summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task Proxy_UrlWithCredentials_EveryBatchGoesThroughItAndIsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var proxy = await TinyProxy.StartAsync("ops", "s3cret");
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.Proxy = $"http://ops:s3cr%65t@127.0.0.1:{proxy.Port}")); // percent-encoded, as in a URL
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 3; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, handler.Statistics.Sent);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r => Assert.Contains("tinyproxy", r.Headers["Via"], StringComparison.Ordinal));
        Assert.Contains("\"event 2\"", server.Requests[^1].BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_RefusesTheCredentials_BatchDroppedWholeLikeARefusedKeyAndNothingReachesTheReceiver()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var proxy = await TinyProxy.StartAsync("ops", "s3cret");
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.Proxy = $"http://ops:wrong@127.0.0.1:{proxy.Port}"));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("one");
        logger.LogInformation("two");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, handler.Statistics.Dropped);
        Assert.Equal(0, handler.Statistics.Sent);
        Assert.Matches("HTTP 40[17]", handler.Statistics.LastError); // tinyproxy answers a plain http request 401, others 407
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Proxy_None_SentDirectly()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o => o.Proxy = "none"));
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, handler.Statistics.Sent);
        Assert.False(server.Requests.Single().Headers.ContainsKey("Via"));
    }

    [Theory]
    [InlineData("collector.corp:5080", true)] // the system's proxy (HttpClient.DefaultProxy) when the host is not loopback
    [InlineData("127.0.0.1:5080", false)]    // loopback: always direct, a proxy cannot reach this machine's loopback
    [InlineData("localhost:5080", false)]
    [InlineData("[::1]:5080", false)]
    public void Apply_NoProxySet_SystemProxyButNeverForLoopback(string host, bool usesSystemProxy)
    {
        using var handler = new SocketsHttpHandler();
        HttpProxySetting.Apply(handler, proxy: null, HttpBatchSink.IsLoopback(host));

        Assert.Equal(usesSystemProxy, handler.UseProxy);
        Assert.Null(handler.Proxy); // null with UseProxy: HttpClient.DefaultProxy
    }

    [Theory]
    [InlineData("proxy.corp:3128", "'proxy.corp:3128'")]                                      // no scheme: read as scheme "proxy.corp"
    [InlineData("https://proxy.corp:3128", "'https://proxy.corp:3128'")]                     // not a scheme SocketsHttpHandler speaks to a proxy
    [InlineData("http://proxy.corp:3128/path", "'http://proxy.corp:3128/path'")]
    [InlineData("http://ops:s3cret@proxy corp:3128", "'http://ops:***@proxy corp:3128'")]  // the password never shown
    [InlineData("direct", "'direct'")]
    public void Validate_ProxyNotNoneNorAProxyUrl_ThrowsNamingProxyAndHidingThePassword(string proxy, string shown)
    {
        var options = new ThreadedHttpHandlerOptions { Host = "collector.corp:5080", Proxy = proxy };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Proxy", error.ParamName);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData("http://proxy.corp:3128")]
    [InlineData("http://ops:p%40ss@proxy.corp:3128/")]
    [InlineData("socks5://127.0.0.1:1080")]
    public void Validate_NoneOrAProxyUrl_Accepted(string proxy)
    {
        new ThreadedHttpHandlerOptions { Host = "collector.corp:5080", Proxy = proxy }.Validate();
    }

    [Fact]
    public void Classify_407_RefusedLikeAKey()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ProxyAuthenticationRequired);
        Assert.Equal(SendOutcome.Unauthorized, HttpBatchSink.Classify(response, DateTimeOffset.UnixEpoch).Outcome);
    }
}
