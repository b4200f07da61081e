using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention and SQLite's table of client instances: an instance goes with its last event, never a key with events.</summary>
public sealed partial class SqliteRetentionTests
{
    [Fact]
    public async Task Run_InstanceWithEveryEventRemoved_RemovedAndOneWithAnEventLeftKept()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [
            .. Enumerable.Range(0, 3).Select(i => Event(i, T0.AddSeconds(i), "gone", "i-gone")),
            Event(0, T0.AddSeconds(5), "expired", "i-kept"),
            .. Enumerable.Range(1, 3).Select(i => Event(i, T0.AddDays(39).AddSeconds(i), "kept", "i-kept")),
            Event(0, T0.AddDays(39), "newest", "i-last"), // the largest key, which stays in any case
        ]), CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None);

        var kept = (await store.QueryAsync(new EventQuery { InstanceId = "i-kept" }, CancellationToken.None)).Events;
        var context = (await store.GetContextAsync(kept.Single(e => e.Sequence == 2).Id, 5, CancellationToken.None))!;
        Assert.Equal(4, result.ByAge);
        Assert.Equal(1, result.Instances);
        Assert.Equal(["i-kept", "i-last"], Instances(store.DatabasePath).Select(i => i.Name));
        Assert.Equal([3L, 2L, 1L], kept.Select(e => e.Sequence!.Value));
        Assert.All(kept, e => Assert.Equal("i-kept", e.InstanceId));
        Assert.Equal([1L], context.Before.Select(e => e.Sequence!.Value));
        Assert.Equal([3L], context.After.Select(e => e.Sequence!.Value));
        Assert.Empty((await store.QueryAsync(new EventQuery { InstanceId = "i-gone" }, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task Run_InstanceWithTheLargestKeyRemovable_KeptSoThatNoKeyIsGivenTwice()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(0, T0, "a", "i-a"), Event(0, T0.AddSeconds(1), "b", "i-b"), Event(0, T0.AddSeconds(2), "no instance")]), CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(0, T0.AddDays(40), "c", "i-c")]), CancellationToken.None);

        Assert.Equal(1, result.Instances);
        Assert.Equal([(2L, "i-b"), (3L, "i-c")], Instances(store.DatabasePath));
    }

    [Fact]
    public async Task Append_InstanceRemovedSinceTheWriterKeptItsKey_StoredWithANewKey()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(1, T0, "before", "i-1"), Event(1, T0.AddSeconds(1), "no instance"), Event(1, T0.AddDays(39), "other", "i-2")]), CancellationToken.None);
        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None);

        // The writer still has i-1's key in memory; its row is gone.
        var appended = await store.AppendAsync(new EventBatch(null, [Event(2, T0.AddDays(39).AddSeconds(1), "after", "i-1")]), CancellationToken.None);

        var back = Assert.Single((await store.QueryAsync(new EventQuery { InstanceId = "i-1" }, CancellationToken.None)).Events);
        Assert.Equal(1, result.Instances);
        Assert.Equal(1, appended.Stored);
        Assert.Equal(("after", "i-1", 2L), (back.Message, back.InstanceId, back.Sequence));
        Assert.Equal("i-1", (await store.GetEventAsync(back.Id, CancellationToken.None))!.InstanceId);
        Assert.Equal([(2L, "i-2"), (3L, "i-1")], Instances(store.DatabasePath));
        Assert.Equal(0L, Scalar(store.DatabasePath, "SELECT count(*) FROM events WHERE instance_key NOT IN (SELECT id FROM instances)"));
    }

    [Fact]
    public async Task Run_EventStoredBelowTheMarkOfTheRunBefore_KeepsItsInstance()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        var filler = new string('x', 400);
        for (var b = 0; b < 5; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 1000, 1000).Select(i => Event(i, T0.AddSeconds(i), $"payload {filler} {i}", "i-bulk"))]), CancellationToken.None);
        }

        await store.WaitForFullTextAsync(CancellationToken.None);
        var first = await store.RemoveExpiredAsync(new RetentionOptions { MaxBytes = 1024 * 1024 }, T0.AddDays(1), CancellationToken.None);

        // Older than the events the size cap removed (a client's spool after days offline): its id is below the mark.
        await store.AppendAsync(new EventBatch(null, [Event(0, T0, "late", "i-late")]), CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(0, T0.AddDays(-30), "ancient", "i-ancient")]), CancellationToken.None);
        var second = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(1), CancellationToken.None);

        var late = Assert.Single((await store.QueryAsync(new EventQuery { InstanceId = "i-late" }, CancellationToken.None)).Events);
        Assert.InRange(first.BySize, 2000, 5000);
        Assert.Equal(1, second.ByAge); // the ancient event, so this run looks at the instances
        Assert.Equal(("late", "i-late"), (late.Message, late.InstanceId));
        Assert.Contains((2L, "i-late"), Instances(store.DatabasePath));
    }

    [Fact]
    public async Task Append_MillisecondFull_InstanceLastIdRaisedToTheIdOfALaterMillisecond()
    {
        using var data = new TempDirectory();
        await using (var created = Open(data.Path, crashAfterEventsChunk: false))
        {
            await created.InitializeAsync(CancellationToken.None);
        }

        // Every id of T0's millisecond taken (as 2^20 events of it leave it), written straight into the file.
        using (var db = new SqliteConnection($"Data Source={Path.Combine(data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            db.Open();
            using var fill = db.CreateCommand();
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1048575)
                INSERT INTO events (id, ts, level, message, received) SELECT $base + i, $ts, 2, 'filler', $ts FROM n;
                """;
            fill.Parameters.AddWithValue("$base", SqliteEventIds.Create(T0, 0));
            fill.Parameters.AddWithValue("$ts", T0.UtcTicks);
            fill.ExecuteNonQuery();
        }

        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(0, T0, "frozen", "i-frozen")]), CancellationToken.None);

        var stored = Assert.Single((await store.QueryAsync(new EventQuery { InstanceId = "i-frozen" }, CancellationToken.None)).Events);
        Assert.True(stored.Id > SqliteEventIds.Create(T0, SqliteEventIds.CounterMask), "took an id of a later millisecond");
        Assert.Equal(stored.Id, Scalar(store.DatabasePath, "SELECT last_id FROM instances WHERE name = 'i-frozen'"));
    }

    private static List<(long Key, string Name)> Instances(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name FROM instances ORDER BY id";
        using var reader = command.ExecuteReader();
        var instances = new List<(long, string)>();
        while (reader.Read())
        {
            instances.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return instances;
    }

    private static long Scalar(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
