using System.Net;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>When the store cannot keep up, the collector says 429 with Retry-After instead of accepting what it cannot store.</summary>
public sealed class OverloadTests
{
    [Fact]
    public async Task Ingest_MoreRequestsThanAllowedInProgress_Answers429WithRetryAfterAndStoresNothingOfIt()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxPendingIngests=1", "--Collector:OverloadRetryAfter=00:00:03");

        // A real fault: another connection holds SQLite's write lock, so the collector's writer waits.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        var first = Post(collector, "a", "from a");
        var second = Post(collector, "b", "from b");

        // Exactly one of them got in and is held by the lock; the other was turned away at once.
        var turnedAway = await Task.WhenAny(first, second);
        var response = await turnedAway;
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Contains("overloaded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        var admitted = await (turnedAway == first ? second : first);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var events = await collector.EventsAsync();
        var stored = Assert.Single(events);
        Assert.Equal(turnedAway == first ? "from b" : "from a", stored.GetProperty("message").GetString());
    }

    private static Task<HttpResponseMessage> Post(CollectorFixture collector, string batchId, string message)
    {
        var body = Http.Envelope(batchId, new { timestamp = "2026-11-24T10:00:00Z", level = "Information", category = "App", message, sequence = 1, instanceId = "i-" + batchId });
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/events", UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        return collector.Client.SendAsync(request);
    }
}
