using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>What retention does to SQLite's two files: a stop between their commits, the size cap, the client instances.</summary>
public sealed partial class SqliteRetentionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Run_StopBetweenEventsAndIndexCommits_NextOpenDeletesTheIndexEntries()
    {
        using var data = new TempDirectory();
        var store = Open(data.Path, crashAfterEventsChunk: true);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 100).Select(i => Event(i, T0.AddSeconds(i), "expired record"))]), CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(100, T0.AddDays(39), "kept record")]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);

        await Assert.ThrowsAsync<IOException>(() => store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None));
        await store.DisposeAsync();
        var leftInIndex = IndexCount(store.FullTextPath, "expired");
        await using var reopened = Open(data.Path, crashAfterEventsChunk: false);
        await reopened.InitializeAsync(CancellationToken.None);

        Assert.Equal(100, leftInIndex); // the stop came between the two commits: the events are gone, their entries not yet
        Assert.Equal(0, IndexCount(reopened.FullTextPath, "expired"));
        Assert.Equal(1, IndexCount(reopened.FullTextPath, "kept"));
        Assert.Equal(100L, Assert.Single((await reopened.QueryAsync(new EventQuery(), CancellationToken.None)).Events).Sequence);
        Assert.Empty((await reopened.QueryAsync(new EventQuery { Words = ["record"], User = "nobody" }, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task Run_OverMaxBytes_OldestRemovedUntilUnder()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        var filler = new string('x', 400);
        for (var b = 0; b < 10; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 1000, 1000).Select(i => Event(i, T0.AddSeconds(i), $"payload {filler} {i}"))]), CancellationToken.None);
        }

        await store.WaitForFullTextAsync(CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxBytes = 2 * 1024 * 1024 }, T0.AddDays(1), CancellationToken.None);

        var kept = (await store.QueryAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value).ToList();
        Assert.Equal(0, result.ByAge);
        Assert.Equal(10_000 - kept.Count, result.BySize);
        Assert.InRange(kept.Count, 1, 9_999);
        Assert.Equal(Enumerable.Range(10_000 - kept.Count, kept.Count).Select(i => (long)i), kept.Order());
    }

    private static SqliteEventStore Open(string directory, bool crashAfterEventsChunk, int batchKeysPerChunk = 5000) =>
        new(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            Retention = new SqliteRetention(Path.Combine(directory, SqliteEventStore.FileName), Path.Combine(directory, SqliteFtsIndexer.FileName))
            {
                AfterEventsChunk = crashAfterEventsChunk ? () => throw new IOException("stopped between the two commits") : null,
                BatchKeysPerChunk = batchKeysPerChunk,
            },
        };

    private static long IndexCount(string fullTextPath, string word)
    {
        using var connection = new SqliteConnection($"Data Source={fullTextPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events_fts WHERE events_fts MATCH $word";
        command.Parameters.AddWithValue("$word", word);
        return (long)command.ExecuteScalar()!;
    }

    private static NewEvent Event(long sequence, DateTimeOffset at, string message, string? instance = null) => new()
    {
        Timestamp = at,
        Level = LogLevel.Information,
        Message = message,
        User = "u",
        InstanceId = instance,
        Sequence = sequence,
    };
}
