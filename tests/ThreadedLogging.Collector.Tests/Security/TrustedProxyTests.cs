using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// <c>Collector:TrustedProxies</c>: behind a reverse proxy every request came from the proxy's address, so one guesser's
/// wrong keys throttled every user and the ingest 401 line named the proxy. A listed proxy's <c>X-Forwarded-For</c> names
/// the client; the same header from any other address is ignored. Here the "proxy" is this machine (127.0.0.1) and the
/// untrusted source a connection from 127.0.0.2, both real connections to a real Kestrel.
/// </summary>
public sealed class TrustedProxyTests
{
    private const int MaxFailures = 2;

    private static readonly string[] Args =
    [
        "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key",
        $"--Collector:MaxWrongKeysPerMinute={MaxFailures}", "--Collector:TrustedProxies:0=127.0.0.1",
    ];

    [Fact]
    public async Task WrongKeys_TwoClientsBehindTheTrustedProxy_ThrottledSeparately()
    {
        await using var collector = await CollectorFixture.StartAsync(Args);

        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(collector.Client, "wrong", forwardedFor: "203.0.113.1"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await ReadAsync(collector.Client, "read-key", forwardedFor: "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(collector.Client, "read-key", forwardedFor: "203.0.113.2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(collector.Client, "wrong", forwardedFor: "203.0.113.2"));
        var throttled = Assert.Single(collector.Log.Entries, e => e.Category.EndsWith(nameof(FailedSignIns), StringComparison.Ordinal));
        Assert.StartsWith("Sign-in from 203.0.113.1:", throttled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKeys_ForwardedForFromAnUntrustedAddress_Ignored()
    {
        await using var collector = await CollectorFixture.StartAsync(Args);
        using var untrusted = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), collector.BaseAddress);

        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(untrusted, "wrong", forwardedFor: $"203.0.113.{i + 1}"));
        }

        // A new forged address each time is still 127.0.0.2, throttled; the proxy's own clients are not.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ReadAsync(untrusted, "read-key", forwardedFor: "203.0.113.9"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(collector.Client, "read-key", forwardedFor: "203.0.113.1"));
        var throttled = Assert.Single(collector.Log.Entries, e => e.Category.EndsWith(nameof(FailedSignIns), StringComparison.Ordinal));
        Assert.StartsWith("Sign-in from 127.0.0.2:", throttled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestWrongKey_ThroughTheTrustedProxy_LogLineNamesTheForwardedClient()
    {
        await using var collector = await CollectorFixture.StartAsync(Args);
        using var untrusted = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), collector.BaseAddress);

        Assert.Equal(HttpStatusCode.Unauthorized, await IngestAsync(collector.Client, "wrong", forwardedFor: "198.51.100.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await IngestAsync(untrusted, "wrong", forwardedFor: "198.51.100.8"));

        var lines = collector.Log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Refused ingest from", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Refused ingest from 198.51.100.7 to /api/events with 401: invalid API key", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Refused ingest from 127.0.0.2 to /api/events with 401: invalid API key", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeylessAdminChange_ForwardedForLoopbackFromAListedProxy_RefusedAsFromAnotherMachine()
    {
        // Security review of 23dec90: without keys, changes are open to this machine only. On an address off loopback
        // (AllowUnauthenticated) a listed proxy's X-Forwarded-For: 127.0.0.1 became the remote address and the header
        // moved to X-Original-For, so any host in a listed network made keyless admin changes.
        await using var collector = await CollectorFixture.StartAsync(
            "--urls", "http://0.0.0.0:0", "--Collector:AllowUnauthenticated=true", "--Collector:TrustedProxies:0=127.0.0.2");
        using var proxy = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), new Uri($"http://127.0.0.1:{collector.BaseAddress.Port}/"));

        var (status, body) = await PostLevelAsync(proxy, forwardedFor: "127.0.0.1");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("from another machine needs the admin key", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await PostLevelAsync(proxy, forwardedFor: null)).Status); // 127.0.0.2 itself is this machine
        Assert.Contains(collector.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Collector:TrustedProxies is not read: no key is set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("proxy.example.com")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1/8")] // not the network's base address: a typo for 10.0.0.0/8 or for 10.0.0.1
    [InlineData("10")] // IPAddress.Parse reads it as 0.0.0.10
    public async Task Start_TrustedProxyNotAnAddressOrNetwork_RefusedNamingTheSetting(string value)
    {
        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(() =>
            CollectorFixture.StartAsync("--Collector:TrustedProxies:0=10.0.0.0/8", $"--Collector:TrustedProxies:1={value}"));

        Assert.Contains($"Collector:TrustedProxies:1 must be an IP address (10.0.0.5, ::1) or a CIDR network with its base address (10.0.0.0/8, fd00::/8) (was '{value}')", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TrustedProxies:0", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> ReadAsync(HttpClient client, string key, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events");
        request.Headers.Add(ApiKeyReader.HeaderName, key);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostLevelAsync(HttpClient client, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/levels")
        {
            Content = JsonContent.Create(new { user = "alice", level = "Debug", duration = "00:10:00" }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> IngestAsync(HttpClient client, string key, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = new StringContent(Http.Envelope(null, new { message = "m" }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ApiKeyReader.HeaderName, key);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
