using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// A whole collector on PostgreSQL (the app's own wiring, which a store built by a test skips: 6f103596 made every
/// PostgreSQL collector hang at start while the store's tests passed): late events left out while retention detaches
/// their day are counted on <c>/metrics</c> as removed for age.
/// </summary>
public sealed class PostgresLateEventMetricsTests
{
    private const string Removed = "threadedlogging_collector_retention_removed_total";

    [Fact]
    public async Task Ingest_LateEventsOfADayRetentionIsDetaching_RemovedForAgeOnMetricsUpByThem()
    {
        await using var collector = await CollectorFixture.StartOnAsync(TestStore.Postgres);
        var now = DateTimeOffset.UtcNow;
        var oldDay = new DateTimeOffset(now.AddDays(-40).UtcDateTime.Date, TimeSpan.Zero); // the hours below stay in that day
        await Http.PostStoredAsync(collector.Client, "api/events", Http.Envelope(null, Event("old", oldDay.AddHours(1)), Event("current", now)));
        // Retention detaching the old day (DETACH … CONCURRENTLY), held waiting by an old snapshot: "detach pending" meanwhile.
        // Run here without the service's counter, so that only the left-out events reach the metric.
        var writes = collector.Services.GetRequiredService<NpgsqlDataSource>();
        await using var blocker = await writes.OpenConnectionAsync();
        await using var snapshot = await blocker.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM events", blocker, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var waiting = PostgresEventStoreTests.LockWaitAsync(new NpgsqlConnectionStringBuilder(writes.ConnectionString).Database!);
        var run = collector.Services.GetRequiredService<IEventRetention>().RemoveExpiredAsync(new RetentionOptions(), now, CancellationToken.None);
        await waiting;
        var before = await RemovedForAgeAsync(collector);

        await Http.PostStoredAsync(collector.Client, "api/events", Http.Envelope("late", Event("late 1", oldDay.AddHours(2)), Event("new", now), Event("late 2", oldDay.AddHours(3))));
        var after = await RemovedForAgeAsync(collector);
        await snapshot.RollbackAsync();
        await run;

        Assert.Equal(2, after - before);
        Assert.Equal(["current", "new"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    private static object Event(string message, DateTimeOffset at) => new { level = "Information", message, timestamp = at };

    private static async Task<double> RemovedForAgeAsync(CollectorFixture collector)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        return new PrometheusExposition(text).Value(Removed, ("reason", "age")) ?? 0;
    }
}
