using System.Net;
using System.Text;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The database goes away while the collector runs: ingest answers 503 with Retry-After, and works again by itself once it is back.</summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task Ingest_DatabaseStoppedThenRestarted_503WithRetryAfterThenStoredAgain()
    {
        var server = PostgresServer.StartPrivate(); // stopped below: not the shared one
        var database = server.CreateDatabase();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Store=postgres", "--ConnectionStrings:Events=" + server.ConnectionString(database));

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

    private static Task<HttpResponseMessage> PostAsync(CollectorFixture collector, string message)
    {
        var body = Http.Envelope(null, new { timestamp = DateTimeOffset.UtcNow.ToString("O"), level = "Information", message });
        return collector.Client.PostAsync(new Uri("log/outage", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
