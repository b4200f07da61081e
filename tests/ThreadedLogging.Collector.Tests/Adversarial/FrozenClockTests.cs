using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Issue 15 §5: ids are <c>(ms &lt;&lt; 20) | counter</c>, so beyond 2^20 events of one millisecond (a frozen
/// clock, a replay) every further event of it got 503 forever. Ids never collide, whatever the timestamps.
/// </summary>
public sealed class FrozenClockTests
{
    private const string Frozen = "2026-11-24T10:00:00.000Z";

    [Fact]
    public async Task Ingest_MillisecondAlreadyFull_StoredWithUniqueIdsFoundByTimeRangeAcrossRestarts()
    {
        using var data = new TempDirectory();
        await using (var first = await CollectorFixture.StartInAsync(data.Path))
        {
            await StillServing.AssertAsync(first);
        }

        var ms = DateTimeOffset.Parse(Frozen, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        FillMillisecondAndMakeVersion2(Path.Combine(data.Path, SqliteEventStore.FileName), ms);

        await using (var collector = await CollectorFixture.StartInAsync(data.Path))
        {
            await PostAsync(collector, "frozen-a", "application/json", $$"""{"events":[{"message":"a1","timestamp":"{{Frozen}}"},{"message":"a2","timestamp":"{{Frozen}}"},{"message":"a3","timestamp":"{{Frozen}}"}]}""");
            await PostAsync(collector, "frozen-b", "application/x-ndjson", $"{{\"message\":\"b1\",\"timestamp\":\"{Frozen}\"}}\n{{\"message\":\"b2\",\"timestamp\":\"{Frozen}\"}}\n");
            await PostAsync(collector, "frozen-next", "application/json", """{"events":[{"message":"n1","timestamp":"2026-11-24T10:00:00.001Z"}]}""");

            var frozen = await collector.EventsAsync("path=frozen&to=" + Frozen);
            Assert.Equal(["a1", "a2", "a3", "b1", "b2"], frozen.Select(Message).Order());
            var ids = frozen.Select(e => e.GetProperty("id").GetInt64()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.True(id >= (ms + 1) << SqliteEventIds.CounterBits, "spilled past the full millisecond"));
            Assert.Equal(["n1"], (await collector.EventsAsync("path=frozen&from=2026-11-24T10:00:00.001Z")).Select(Message));
            Assert.Equal(1048576 + 5, await CountAtAsync(collector));
            await StillServing.AssertAsync(collector);
        }

        // After a restart the spill is known from the file: the time range still finds them.
        await using var restarted = await CollectorFixture.StartInAsync(data.Path);
        Assert.Equal(5, (await restarted.EventsAsync("path=frozen&to=" + Frozen)).Count);
        await PostAsync(restarted, "frozen-c", "application/json", $$"""{"events":[{"message":"c1","timestamp":"{{Frozen}}"}]}""");
        Assert.Equal(6, (await restarted.EventsAsync("path=frozen&to=" + Frozen)).Count);
        await StillServing.AssertAsync(restarted);
    }

    private static string? Message(JsonElement e) => e.GetProperty("message").GetString();

    private static async Task PostAsync(CollectorFixture collector, string user, string contentType, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), contentType);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {text}");
    }

    private static async Task<long> CountAtAsync(CollectorFixture collector)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events WHERE ts = $ts";
        count.Parameters.AddWithValue("$ts", DateTimeOffset.Parse(Frozen, System.Globalization.CultureInfo.InvariantCulture).UtcTicks);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The state 2^20 ingests of one millisecond leave (every id of it taken), written straight into the
    /// file in seconds rather than minutes; and the file turned back into a version-2 database (no
    /// <c>id_spill</c>), so the start also upgrades it.
    /// </summary>
    private static void FillMillisecondAndMakeVersion2(string file, long ms)
    {
        using var db = new SqliteConnection($"Data Source={file};Pooling=False");
        db.Open();
        using var fill = db.CreateCommand();
        fill.CommandText = """
            INSERT INTO user_names (name) VALUES ('filler');
            INSERT INTO paths (name) VALUES ('filler');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1048575)
            INSERT INTO events (id, ts, level, message, user_key, path_key, received)
            SELECT $base + i, $ts, 2, 'filler', (SELECT id FROM user_names WHERE name = 'filler'), (SELECT id FROM paths WHERE name = 'filler'), $ts FROM n;
            DROP TABLE id_spill;
            PRAGMA user_version = 2;
            """;
        fill.Parameters.AddWithValue("$base", ms << SqliteEventIds.CounterBits);
        fill.Parameters.AddWithValue("$ts", DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcTicks);
        fill.ExecuteNonQuery();
    }
}
