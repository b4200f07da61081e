using System.Text;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §8: the keyless loopback collector answered <c>Host: rebind.attacker.example</c> (DNS
/// rebinding: a web page reads every log) and stored cross-origin form posts. Raw sockets send exactly
/// the headers a browser would.
/// </summary>
public sealed class HostAndOriginTests : IAsyncLifetime
{
    private CollectorFixture _collector = null!;

    public static TheoryData<string, string, string[]> Refused => new()
    {
        { "GET", "/api/events", ["Host: rebind.attacker.example"] },
        { "GET", "/api/users", ["Host: rebind.attacker.example:5080"] },
        { "GET", "/", ["Host: 192.168.1.10"] },
        { "GET", "/health", ["Host: localhost.attacker.example"] },
        { "POST-FORM", "/log/victim", ["Origin: https://evil.example"] },
        { "POST-FORM", "/log/victim", ["Origin: null"] },
        { "POST-FORM", "/ingest/clef", ["Origin: https://evil.example"] },
        { "POST-FORM", "/api/events/raw", ["Sec-Fetch-Site: cross-site"] },
        { "POST-FORM", "/log/victim", ["Origin: http://localhost:3000", "Sec-Fetch-Site: same-site"] },
        { "GET", "/log/victim?msg=planted&levelno=40", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors"] },
        { "GET", "/log/victim?msg=planted&levelno=40", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate"] },
        { "GET", "/api/events", ["Origin: https://evil.example", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: cors"] },
        { "OPTIONS", "/api/events", ["Origin: https://evil.example", "Access-Control-Request-Method: GET"] },

        // A reverse proxy on this machine keeps the Host 127.0.0.1 (nginx's $proxy_host) and would open the collector to the network.
        { "GET", "/api/events", ["X-Forwarded-For: 203.0.113.5"] },
        { "POST-FORM", "/log/victim", ["Forwarded: for=203.0.113.5;proto=https"] },
        { "GET", "/api/users", ["X-Real-IP: 203.0.113.5"] },
        { "DELETE", "/api/users/victim", ["X-Forwarded-Proto: https", "X-Forwarded-Host: logs.example.com"] },
    };

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Request_ForeignHostOrCrossSiteBrowser_403WithReasonNothingStored(string method, string target, string[] headers)
    {
        var (status, head, body) = await SendAsync(method, target, headers);

        Assert.Equal(403, status);
        Assert.Contains("loopback without API keys", Http.Error(body), StringComparison.Ordinal);
        Assert.DoesNotContain("Access-Control-Allow", head, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await _collector.EventsAsync("path=victim"));
        await StillServing.AssertAsync(_collector);
    }

    [Theory]
    [InlineData("POST-FORM", "/log/welcome-1", new[] { "Host: localhost" })]
    [InlineData("POST-FORM", "/log/welcome-2", new[] { "Host: [::1]" })]
    [InlineData("POST-FORM", "/log/welcome-3", new[] { "Host: collector.localhost" })]
    [InlineData("POST-FORM", "/log/welcome-6", new[] { "Host: localhost." })] // the client sends to it as loopback (RFC 6761)
    [InlineData("POST-FORM", "/log/welcome-7", new[] { "Host: app.localhost." })]
    [InlineData("POST-FORM", "/log/welcome-4", new[] { "ORIGIN-SELF", "Sec-Fetch-Site: same-origin" })]
    [InlineData("GET", "/log/welcome-5?msg=typed&levelno=20", new[] { "Sec-Fetch-Site: none", "Sec-Fetch-Mode: navigate" })]
    public async Task Request_LoopbackHostOrSameOriginOrNonBrowser_Stored(string method, string target, string[] headers)
    {
        var (status, _, body) = await SendAsync(method, target, headers);

        Assert.True(status == 200, body);
        var user = target.Split('/', '?')[2];
        Assert.Single(await _collector.EventsAsync("user=" + user));
    }

    [Fact]
    public async Task SupportPage_NavigationFromAnotherSite_Served()
    {
        var (status, _, body) = await SendAsync("GET", "/", ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate"]);

        Assert.True(status == 200, body);
    }

    [Fact]
    public async Task Request_ForeignHostWithKeysConfigured_KeysDecide()
    {
        await using var keyed = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key");
        using var raw = await RawHttp.ConnectAsync(keyed.BaseAddress);

        await raw.SendAsync(RawHttp.Head("GET", "/api/events", keyed.BaseAddress, "Host: rebind.attacker.example", "Connection: close"));
        var (status, head, _) = await raw.ReadResponseAsync();

        Assert.Equal(401, status);
        Assert.DoesNotContain("Access-Control-Allow", head, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(int Status, string Head, string Body)> SendAsync(string method, string target, string[] headers)
    {
        headers = [.. headers.Select(h => h == "ORIGIN-SELF" ? "Origin: " + _collector.BaseAddress.GetLeftPart(UriPartial.Authority) : h), "Connection: close"];
        using var raw = await RawHttp.ConnectAsync(_collector.BaseAddress);
        if (method == "POST-FORM")
        {
            var form = Encoding.ASCII.GetBytes("name=web&msg=planted+by+a+page&levelno=40");
            await raw.SendAsync(RawHttp.Head("POST", target, _collector.BaseAddress,
                [.. headers, "Content-Type: application/x-www-form-urlencoded", $"Content-Length: {form.Length}"]));
            await raw.SendAsync(form);
        }
        else
        {
            await raw.SendAsync(RawHttp.Head(method, target, _collector.BaseAddress, headers));
        }

        return await raw.ReadResponseAsync();
    }
}
