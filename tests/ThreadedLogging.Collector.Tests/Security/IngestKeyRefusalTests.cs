using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// An ingest refused for a missing or wrong key (401) was neither counted nor logged: a client shipping with a revoked
/// key was invisible on the server. It is counted as every other refusal (outcome <c>rejected</c>, status 401) and
/// logged at most once a minute per remote address, the next line saying how many were left out.
/// </summary>
public sealed class IngestKeyRefusalTests
{
    private const string Requests = "threadedlogging_collector_ingest_requests_total";

    [Fact]
    public async Task Ingest_MissingOrWrongKey_Counted401AndLoggedOnceAMinutePerAddress()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key");
        var log = CollectingLoggerProvider.AttachTo(collector);
        using var otherAddress = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), collector.BaseAddress);

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(collector.Client, "log/u", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(collector.Client, "api/events", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(collector.Client, "api/events/raw", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(otherAddress, "log/u", "wrong"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(collector.Client, "log/u", "ingest-key"));

        var first = Refusals(log);
        Assert.Equal(2, first.Count); // one per address: 127.0.0.1's second and third were left out
        Assert.Contains("Refused ingest from 127.0.0.1 to /log/u with 401: invalid API key (0 more", first[0], StringComparison.Ordinal);
        Assert.Contains("Refused ingest from 127.0.0.2 to /log/u with 401: invalid API key (0 more", first[1], StringComparison.Ordinal);

        clock.Advance(IngestKeyRefusals.LogInterval);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(collector.Client, "api/events", null));

        var all = Refusals(log);
        Assert.Equal(3, all.Count);
        Assert.Contains("Refused ingest from 127.0.0.1 to /api/events with 401: missing API key (2 more", all[2], StringComparison.Ordinal);

        // The level poll takes the ingest key too, but stores nothing: its 401 is no refused ingest.
        using (var poll = new HttpRequestMessage(HttpMethod.Get, "api/levels/effective?user=u"))
        {
            poll.Headers.Add("X-Api-Key", "wrong");
            using var answer = await collector.Client.SendAsync(poll);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        Assert.Equal(3, Refusals(log).Count);
        var metrics = await ScrapeAsync(collector);
        Assert.Equal(5, metrics.Value(Requests, ("format", "unknown"), ("outcome", "rejected"), ("http_response_status_code", "401")));
        Assert.Equal(1, metrics.Value(Requests, ("format", "json-batch"), ("outcome", "stored"), ("http_response_status_code", "200")));
    }

    [Fact]
    public async Task OtlpGrpc_WrongKey_Counted401WithItsFormat()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:IngestApiKeys:0=k1", "--Collector:ReadApiKey=read-key");
        var grpcPort = collector.OtlpGrpcPort;
        var log = CollectingLoggerProvider.AttachTo(collector);
        var request = OtlpIngestTests.Request(OtlpIngestTests.Record("refused"));

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => RefusalAnswersTests.ExportAsync(grpcPort, request, "wrong"))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => RefusalAnswersTests.ExportAsync(grpcPort, request))).StatusCode);

        var metrics = await ScrapeAsync(collector);
        Assert.Equal(2, metrics.Value(Requests, ("format", "otlp-protobuf"), ("outcome", "rejected"), ("http_response_status_code", "401")));
        Assert.Contains("Refused ingest from 127.0.0.1 to /opentelemetry.proto.collector.logs.v1.LogsService/Export with 401: invalid API key", Assert.Single(Refusals(log)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_MoreAddressesThanTheLimiterKeeps_TheSharedLineSaysManyAddresses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // the 10,000 lines all within one interval, however long they take
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key");
        var log = CollectingLoggerProvider.AttachTo(collector);
        var refusals = collector.Services.GetRequiredService<IngestKeyRefusals>();
        for (var i = 0; i <= LogRateLimiter.MaxKeys; i++)
        {
            var request = new DefaultHttpContext();
            request.Connection.RemoteIpAddress = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
            request.Request.Path = "/api/events";
            refusals.Refused(request, "json-batch", keyGiven: true);
        }

        // Past the limiter's bound every new address shares one allowance: its line cannot speak for the one address it names.
        var all = Refusals(log);
        Assert.Equal(LogRateLimiter.MaxKeys + 1, all.Count);
        Assert.EndsWith("(0 more refusals of this address since the last such line, at most one a minute)", all[0], StringComparison.Ordinal);
        Assert.StartsWith("Refused ingest from 10.0.39.16 to /api/events with 401: invalid API key (0 more refusals of many addresses", all[^1], StringComparison.Ordinal); // before: "of this address", and "from (others)"
        Assert.Equal(LogRateLimiter.MaxKeys + 1, (await ScrapeAsync(collector)).Value(Requests, ("format", "json-batch"), ("outcome", "rejected"), ("http_response_status_code", "401")));
    }

    [Fact]
    public async Task Refused_ManyAddressesOfOneIPv6Network_OneLineAMinute()
    {
        // review14: the line was limited per address, and a host holds its /64 whole: one machine wrote a line per address.
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:MaxWrongKeysPerMinute=0",
            "--Collector:TrustedProxies:0=127.0.0.1");
        var log = CollectingLoggerProvider.AttachTo(collector);

        foreach (var address in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:3::1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("log/u", UriKind.Relative))
            {
                Content = new StringContent(Http.Envelope(null, new { message = "m" }), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(ApiKeyReader.HeaderName, "wrong");
            request.Headers.Add("X-Forwarded-For", address);
            using var response = await collector.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var lines = Refusals(log);
        Assert.Equal(2, lines.Count); // 2001:db8:1:2::/64 once, 2001:db8:1:3::/64 once
        Assert.Contains("Refused ingest from 2001:db8:1:2::1 to /log/u", lines[0], StringComparison.Ordinal);
        Assert.Contains("Refused ingest from 2001:db8:1:3::1 to /log/u", lines[1], StringComparison.Ordinal);
    }

    private static List<string> Refusals(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Refused ingest from", StringComparison.Ordinal)).Select(e => e.Message)];

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(Http.Envelope(null, new { message = "m" }), System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add(ApiKeyReader.HeaderName, key);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<PrometheusExposition> ScrapeAsync(CollectorFixture collector)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Add(ApiKeyReader.HeaderName, "read-key");
        using var response = await collector.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return new PrometheusExposition(text);
    }
}
