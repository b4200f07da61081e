using System.Net;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
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
        Assert.Matches("HTTP 40[17]", handler.Statistics.LastError); // tinyproxy answers 401 where others answer 407
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Proxy_RefusesTheConnectOfHttps_DroppedWholeNotRetried()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var proxy = await TinyProxy.StartAsync("ops", "s3cret");
        await using var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Secure = true; // https: a CONNECT to the proxy, which refuses it before any TLS; HttpClient throws, no answer
            o.Proxy = $"http://ops:wrong@127.0.0.1:{proxy.Port}";
        }));
        handler.CreateLogger("App").LogInformation("one");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)), handler.Statistics.LastError);
        Assert.Equal(1, handler.Statistics.Dropped);
        Assert.Equal(0, handler.Statistics.Retried); // was Transient: retried with backoff for as long as the app ran
        Assert.Matches("status code '40[137]'", handler.Statistics.LastError); // tinyproxy answers 401 where others answer 407
        Assert.DoesNotContain("wrong", handler.Statistics.LastError, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void WithoutCredentials_ProxyFailureMessage_UserPartOfEveryUriHidden()
    {
        // HttpClient's message when HTTPS_PROXY's proxy refuses the CONNECT: it names the proxy with the credentials of the variable.
        const string message = "The proxy tunnel request to proxy 'http://ops:TopSecret@127.0.0.1:39182/' failed with status code '407'. Also socks5://a:b%40c@h:1 and https://x.example/p@q";

        Assert.Equal(
            "The proxy tunnel request to proxy 'http://***@127.0.0.1:39182/' failed with status code '407'. Also socks5://***@h:1 and https://x.example/p@q",
            HttpProxySetting.WithoutCredentials(message));
    }

    [Theory]
    [InlineData("proxy 'http://APIKEY7f3a@127.0.0.1:39182/' failed", "proxy 'http://***@127.0.0.1:39182/' failed")]   // a token as the user name, no password
    [InlineData("proxy 'http://APIKEY7f3a:@127.0.0.1:39182/' failed", "proxy 'http://***@127.0.0.1:39182/' failed")]  // user:, the password empty
    [InlineData("proxy 'http://ops:@proxy.corp:3128/' and http://proxy.corp:3128/", "proxy 'http://***@proxy.corp:3128/' and http://proxy.corp:3128/")]
    [InlineData("proxy 'http://ops:x'y@127.0.0.1:39182/' failed", "proxy 'http://***@127.0.0.1:39182/' failed")]       // ' raw in the password, as .NET quotes it
    [InlineData("proxy 'http://proxy.corp:3128/' failed for ops@corp", "proxy 'http://proxy.corp:3128/' failed for ops@corp")] // no user part: nothing after the quote taken
    public void WithoutCredentials_TokenAsTheUserName_Hidden(string message, string shown)
    {
        Assert.Equal(shown, HttpProxySetting.WithoutCredentials(message));
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
    [InlineData("collector.corp:5080", true)] // the system's proxy (HttpClient.DefaultProxy) for a host out there
    [InlineData("8.8.8.8:80", true)]
    [InlineData("172.32.0.1:80", true)]        // just past 172.16/12
    [InlineData("[2001:db8::1]:80", true)]
    [InlineData("127.0.0.1:5080", false)]      // loopback: a proxy cannot reach this machine's loopback
    [InlineData("localhost:5080", false)]
    [InlineData("localhost.:5080", false)]     // RFC 6761: localhost's names are loopback too
    [InlineData("collector.localhost:5080", false)]
    [InlineData("[::1]:5080", false)]
    [InlineData("10.1.2.3:5080", false)]       // private networks: reached directly before, and NO_PROXY takes no ranges in .NET
    [InlineData("172.20.0.5:5080", false)]
    [InlineData("192.168.1.9:5080", false)]
    [InlineData("169.254.1.1:5080", false)]
    [InlineData("100.64.0.1:5080", false)]
    [InlineData("[fd00::1]:5080", false)]
    [InlineData("[fe80::1]:5080", false)]
    [InlineData("collector:5080", false)]      // a name without a dot: this network's (Windows' "local addresses")
    public void Apply_NoProxySet_SystemProxyButNeverForAHostOfThisMachineOrNetwork(string host, bool usesSystemProxy)
    {
        using var handler = new SocketsHttpHandler();
        HttpProxySetting.Apply(handler, proxy: null, host);

        Assert.Equal(usesSystemProxy, handler.UseProxy);
        Assert.Null(handler.Proxy); // null with UseProxy: HttpClient.DefaultProxy
        Assert.Same(CredentialCache.DefaultCredentials, handler.DefaultProxyCredentials); // Windows authentication to the system's proxy
    }

    [Theory]
    [InlineData("proxy.corp:3128", "'proxy.corp:3128'")]                                      // no scheme: read as scheme "proxy.corp"
    [InlineData("ftp://proxy.corp:3128", "'ftp://proxy.corp:3128'")]                         // not a scheme SocketsHttpHandler speaks to a proxy
    [InlineData("ops:s3cret@proxy.corp:3128", "'***@proxy.corp:3128'")]                     // no scheme: the credentials hidden all the same
    [InlineData("http:/ops:s3cret@proxy.corp:3128", "'***@proxy.corp:3128'")]
    [InlineData("http://proxy.corp:3128/path", "'http://proxy.corp:3128/path'")]
    [InlineData("http://ops:s3cret@proxy corp:3128", "'http://***@proxy corp:3128'")]      // the credentials never shown
    [InlineData("http://s3cret@proxy corp:3128", "'http://***@proxy corp:3128'")]          // a token as the user name, no password
    [InlineData("http://s3cret:@proxy corp:3128", "'http://***@proxy corp:3128'")]         // user:, the password empty
    [InlineData("direct", "'direct'")]
    // A line break printed raw: the refusal, written to a log, made a second line of the setting's choosing (log forging).
    [InlineData("http://proxy.corp:3128/\r\n2026-12-05 ERROR forged", "'http://proxy.corp:3128/\\u000d\\u000a2026-12-05 ERROR forged'")]
    public void Validate_ProxyNotNoneNorAProxyUrl_ThrowsNamingProxyAndHidingItsCredentials(string proxy, string shown)
    {
        var options = new ThreadedHttpHandlerOptions { Host = "collector.corp:5080", Proxy = proxy };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Proxy", error.ParamName);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    [Theory]
    [InlineData("http://ops:s3cret@proxy.corp:3128/\r\nINFO forged", "http://***@proxy.corp:3128/\\u000d\\u000aINFO forged")]
    [InlineData("http://proxy.corp:3128/\u0085\u2028\t\u007f", "http://proxy.corp:3128/\\u0085\\u2028\\u0009\\u007f")]
    [InlineData("http://proxy.corp:3128/", "http://proxy.corp:3128/")]
    public void Masked_ControlCharactersInTheSetting_EscapedAsTheOptionsShowThem(string address, string shown)
    {
        // Shared with the collector's Collector:Alerts:WebhookProxy (the file is linked into it): a fix for both.
        Assert.Equal(shown, ProxyAddress.Masked(address));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData("http://proxy.corp:3128")]
    [InlineData("http://ops:p%40ss@proxy.corp:3128/")]
    [InlineData("socks5://127.0.0.1:1080")]
    [InlineData("https://proxy.corp:3128")]
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

    /// <summary>
    /// A proxy that throws when asked (an app's <see cref="HttpClient.DefaultProxy"/> whose PAC lookup fails) is no proxy,
    /// as SocketsHttpHandler takes it (it then connects directly). Before, the sink's connect asked it unguarded and threw:
    /// every batch send that needed a connection failed, for as long as the app ran.
    /// </summary>
    [Fact]
    public void ProxySchemeOf_AProxyThatThrows_IsNone()
    {
        var target = new Uri("https://collector.corp:5080/");
        Assert.Null(HttpBatchSink.ProxySchemeOf(new ThrowingProxy(bypassed: false), target));
        Assert.Null(HttpBatchSink.ProxySchemeOf(new ThrowingProxy(bypassed: null), target));
        Assert.Equal("socks5", HttpBatchSink.ProxySchemeOf(new WebProxy("socks5://127.0.0.1:1080"), target));
    }

    /// <summary>Throws from <see cref="GetProxy"/>, or from <see cref="IsBypassed"/> when <c>bypassed</c> is null.</summary>
    private sealed class ThrowingProxy(bool? bypassed) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => throw new InvalidOperationException("PAC failed");

        public bool IsBypassed(Uri host) => bypassed ?? throw new InvalidOperationException("PAC failed");
    }
}
