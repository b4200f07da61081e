using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The database goes away while the collector runs: ingest, the read API and <c>/health</c> answer 503 (with Retry-After
/// and a reason), and all work again by themselves once it is back.
/// </summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task Ingest_DatabaseStoppedThenRestarted_503WithRetryAfterThenStoredAgain()
    {
        var server = PostgresServer.StartPrivate(); // stopped below: not the shared one
        await using var collector = await CollectorFixture.StartAsync(server.CollectorArguments(server.CreateDatabase()));

        using (var before = await PostAsync(collector, "before"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        server.Stop(); // immediate: like the database host going away
        using (var during = await PostAsync(collector, "during"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
        }

        server.Restart();
        // Pooled connections that died with the server fail once each (503, the client retries), then new ones are opened.
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            using var after = await PostAsync(collector, "after");
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        var events = await collector.EventsAsync();
        Assert.Equal(["after", "before"], events.Select(e => e.GetProperty("message").GetString()));
        server.Stop();
    }

    [Fact]
    public async Task Read_DatabaseStoppedThenRestarted_503WithReasonLoggedOncePerIntervalThenServedAgain()
    {
        var server = PostgresServer.StartPrivate(); // stopped below: not the shared one
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            server.CollectorArguments(server.CreateDatabase()));
        var log = CollectingLoggerProvider.AttachTo(collector);
        using (var before = await PostAsync(collector, "before"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        server.Stop();
        foreach (var path in (string[])["api/events", "api/users", "api/events/histogram", "api/events/1"])
        {
            using var during = await collector.Client.GetAsync(new Uri(path, UriKind.Relative));
            var body = await during.Content.ReadAsStringAsync();
            Assert.True(during.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET {path} -> {(int)during.StatusCode}: {body}");
            Assert.Equal(TimeSpan.FromSeconds(5), during.Headers.RetryAfter?.Delta);
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
            Assert.StartsWith("the event store is unavailable: ", error, StringComparison.Ordinal); // a pooled connection's loss or a refused one
        }

        // One line for the four, no stack trace (Kestrel's "unhandled exception" with Npgsql's stack before; then a line a request).
        Assert.Contains("answered 503 to GET /api/events: ", Assert.Single(Answered503(log)), StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.Exception is not null);
        clock.Advance(StoreUnavailableAnswers.LogInterval);
        using (var later = await collector.Client.GetAsync(new Uri("api/users", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, later.StatusCode);
        }

        var lines = Answered503(log);
        Assert.Equal(2, lines.Count);
        Assert.Contains("answered 503 to GET /api/users: ", lines[1], StringComparison.Ordinal);
        Assert.Contains("(3 more 503 answers since the last such line", lines[1], StringComparison.Ordinal);

        server.Restart();
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            using var after = await collector.Client.GetAsync(new Uri("api/events", UriKind.Relative));
            status = after.StatusCode; // pooled connections that died with the server fail once each
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["before"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
        server.Stop();
    }

    [Fact]
    public async Task Health_DatabaseStoppedThenRestarted_503UnavailableThenOk_AnswerKeptASecond()
    {
        var server = PostgresServer.StartPrivate(); // stopped below: not the shared one
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // the check's clock only: its cache and timeout
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<IStoreAvailability>(sp => new PostgresAvailability(sp.GetRequiredService<NpgsqlDataSource>(), null, clock)),
            server.CollectorArguments(server.CreateDatabase()));

        Assert.Equal((HttpStatusCode.OK, "ok", null), await HealthAsync(collector));

        server.Stop();
        Assert.Equal((HttpStatusCode.OK, "ok", null), await HealthAsync(collector)); // the answer of a second ago: no query
        clock.Advance(PostgresAvailability.CacheFor);
        var (status, state, reason) = await HealthAsync(collector);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (status, state));
        Assert.Equal(HealthApi.UnavailableReason, reason); // /health is open: no address, user or driver error (security review)
        Assert.DoesNotContain(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);

        server.Restart();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAsync(collector)).Status); // kept a second too
        clock.Advance(PostgresAvailability.CacheFor);
        Assert.Equal((HttpStatusCode.OK, "ok", null), await HealthAsync(collector)); // dead pooled connections do not fail it
        server.Stop();
    }

    private static List<string> Answered503(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("answered 503 to GET /api/", StringComparison.Ordinal)).Select(e => e.Message)];

    private static async Task<(HttpStatusCode Status, string? State, string? Reason)> HealthAsync(CollectorFixture collector)
    {
        using var response = await collector.Client.GetAsync(new Uri("health", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("status").GetString(), body.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }

    private static Task<HttpResponseMessage> PostAsync(CollectorFixture collector, string message)
    {
        var body = Http.Envelope(null, new { timestamp = DateTimeOffset.UtcNow.ToString("O"), level = "Information", message });
        return collector.Client.PostAsync(new Uri("log/outage", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
