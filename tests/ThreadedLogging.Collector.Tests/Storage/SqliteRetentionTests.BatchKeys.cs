using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention and the idempotency keys (<c>batches</c>, a row per request): a chunk per transaction, through an index.</summary>
public sealed partial class SqliteRetentionTests
{
    [Fact]
    public async Task Run_OldIdempotencyKeysOverSeveralChunks_AllRemovedAndRecentKept()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false, batchKeysPerChunk: 3);
        await store.InitializeAsync(CancellationToken.None);
        InsertBatchKeys(data.Path, [.. Enumerable.Range(0, 10).Select(i => ($"old-{i}", T0.AddMinutes(i))), ("recent-0", T0.AddDays(39)), ("recent-1", T0.AddDays(39))]);

        await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None);

        Assert.Equal(["recent-0", "recent-1"], BatchKeys(data.Path));
    }

    [Fact]
    public async Task Run_OldIdempotencyKeys_FoundThroughTheReceivedIndexNotAScan()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        using var connection = Connect(data.Path);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteSchema.DeleteOldBatchKeys;
        command.Parameters.AddWithValue("$ticks", T0.UtcTicks);
        command.Parameters.AddWithValue("$chunk", 5000);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        // A "SCAN batches" would read every key of every request ever kept while retention holds the write lock.
        Assert.Contains(plan, step => step.Contains("USING COVERING INDEX ix_batches_received (received<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN batches", StringComparison.Ordinal));
    }

    private static void InsertBatchKeys(string directory, IEnumerable<(string Key, DateTimeOffset Received)> keys)
    {
        using var connection = Connect(directory);
        foreach (var (key, received) in keys)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = SqliteSchema.InsertBatch;
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$accepted", 1);
            insert.Parameters.AddWithValue("$received", received.UtcTicks);
            insert.ExecuteNonQuery();
        }
    }

    private static List<string> BatchKeys(string directory)
    {
        using var connection = Connect(directory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT batch_key FROM batches ORDER BY batch_key";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static SqliteConnection Connect(string directory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteEventStore.FileName)};Pooling=False");
        connection.Open();
        return connection;
    }
}
