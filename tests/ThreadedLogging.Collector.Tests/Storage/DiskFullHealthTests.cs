using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The store's writes failing on a real collector (real Kestrel, real SQLite refusing with SQLITE_FULL through
/// <c>PRAGMA max_page_count</c> on its writer connection, as on a full disk): <c>/health</c> says degraded and why,
/// <c>/health/ready</c> answers 503, <c>/metrics</c> has the store's gauges, and the log says it once, not per request.
/// </summary>
public sealed class DiskFullHealthTests
{
    private const string Gauges = "threadedlogging_collector_store_";
    private static readonly string[] InfoLog = ["--Logging:LogLevel:ThreadedLogging.Collector.Storage.StoreWriteState=Information"];

    [Fact]
    public async Task Health_WhileWritesFail_IsDegradedWithTheReason_ReadyIs503_AndBothOkOnceAWriteSucceeds()
    {
        await using var collector = await CollectorFixture.StartAsync(InfoLog);
        await Http.PostStoredAsync(collector.Client, "api/events", Http.Envelope(null, Event("before")));

        Fill(collector);
        var (refused, reason) = await PostAsync(collector, "refused");
        var health = await HealthAsync(collector, "health");
        var ready = await HealthAsync(collector, "health/ready");
        var gauges = await ScrapeAsync(collector);

        Unfill(collector);
        var (stored, _) = await PostAsync(collector, "after");
        var healthAfter = await HealthAsync(collector, "health");
        var readyAfter = await HealthAsync(collector, "health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Contains("disk full", reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.Status); // alive: a restart would not free the disk
        Assert.Equal("degraded", health.Body.GetProperty("status").GetString());
        var said = Assert.Single(health.Body.GetProperty("reasons").EnumerateArray()).GetString()!;
        Assert.StartsWith("writes failing since 20", said, StringComparison.Ordinal);
        Assert.Contains("disk full", said, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("degraded", ready.Body.GetProperty("status").GetString());
        Assert.Equal(1, gauges.Value(Gauges + "writes_failing"));
        Assert.Equal(HttpStatusCode.OK, stored);
        Assert.Equal((HttpStatusCode.OK, "ok"), (healthAfter.Status, healthAfter.Body.GetProperty("status").GetString()));
        Assert.False(healthAfter.Body.TryGetProperty("reasons", out _));
        Assert.Equal((HttpStatusCode.OK, "ok"), (readyAfter.Status, readyAfter.Body.GetProperty("status").GetString()));
        Assert.Equal(0, (await ScrapeAsync(collector)).Value(Gauges + "writes_failing"));
    }

    [Fact]
    public async Task Log_ManyRequestsRefused_OneLineWhenWritesFailAndOneWhenTheyResume_NotOnePerRequest()
    {
        await using var collector = await CollectorFixture.StartAsync(InfoLog);
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);
        await Http.PostStoredAsync(collector.Client, "api/events", Http.Envelope(null, Event("before")));

        Fill(collector);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PostAsync(collector, "refused " + i)).Status);
        }

        Unfill(collector);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(collector, "after")).Status);

        var lines = log.Entries.Where(e => e.Message.Contains("event store", StringComparison.Ordinal)).Select(e => (e.Level, e.Message)).ToList();
        Assert.True(lines.Count == 2, string.Join("\n", lines));
        Assert.Equal(LogLevel.Error, lines[0].Level);
        Assert.StartsWith("Writes to the event store fail: disk full", lines[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, lines[1].Level);
        Assert.Matches("^Writes to the event store resumed after [0-9]+ s; 20 requests were refused with 503 meanwhile$", lines[1].Message);
    }

    [Fact]
    public async Task Metrics_StoreGauges_SizeWithWalAndFreeSpaceOfTheDataFolder_InAValidExposition()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "api/events", Http.Envelope(null, Event("one"), Event("two")));
        Assert.Single(await collector.EventsAsync("q=two")); // a search waits for the index: both are indexed now

        var text = await ScrapeTextAsync(collector);
        var metrics = new PrometheusExposition(text);
        var files = Directory.GetFiles(collector.DataDirectory, "collector*.db*").Sum(f => new FileInfo(f).Length);

        Assert.InRange(metrics.Value(Gauges + "size_bytes")!.Value, 16 * 1024, files); // files grow between the scrape and the listing, never shrink here
        Assert.InRange(metrics.Value(Gauges + "free_bytes")!.Value, 1, new DriveInfo(collector.DataDirectory).TotalSize);
        Assert.Equal(0, metrics.Value("threadedlogging_collector_fulltext_behind"));
        Assert.Equal(0, metrics.Value(Gauges + "writes_failing"));
        var (exit, said) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exit == 0, $"promtool check metrics exited {exit}: {said}");
    }

    /// <summary>SQLite refuses every write that needs a new page (SQLITE_FULL), as on a full disk.</summary>
    private static void Fill(CollectorFixture collector)
    {
        var store = collector.Services.GetRequiredService<SqliteEventStore>();
        store.ExecuteOnWriter("PRAGMA max_page_count = 1"); // never below the file's size: it becomes the size now
    }

    private static void Unfill(CollectorFixture collector) =>
        collector.Services.GetRequiredService<SqliteEventStore>().ExecuteOnWriter("PRAGMA max_page_count = 1073741823");

    /// <summary>A batch of 64 events of 4 KB: it needs new pages whatever the file's free list holds.</summary>
    private static async Task<(HttpStatusCode Status, string Reason)> PostAsync(CollectorFixture collector, string word)
    {
        var events = Enumerable.Range(0, 64).Select(i => Event($"{word} {i} {new string('x', 4096)}")).ToArray();
        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope(null, events)), "application/json");
        return (status, status == HttpStatusCode.OK ? string.Empty : Http.Error(body));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(CollectorFixture collector, string path)
    {
        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Get, path);
        return (status, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static async Task<PrometheusExposition> ScrapeAsync(CollectorFixture collector) => new(await ScrapeTextAsync(collector));

    private static async Task<string> ScrapeTextAsync(CollectorFixture collector)
    {
        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.True(status == HttpStatusCode.OK, body);
        return body;
    }

    private static object Event(string message) =>
        new { timestamp = "2026-12-05T04:00:00Z", level = "Information", category = "App", message };
}
