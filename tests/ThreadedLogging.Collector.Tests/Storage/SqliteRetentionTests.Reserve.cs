using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Diff review: what a run removed was counted only when it ended, so a run failing midway went uncounted; and the
/// free-space reserve removed a whole 2000-event chunk when far less was missing.
/// </summary>
public sealed partial class SqliteRetentionTests
{
    [Fact]
    public async Task Run_FailsAfterAChunkCommitted_TheChunkIsReported()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: true);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 100).Select(i => Event(i, T0.AddSeconds(i), "expired record"))]), CancellationToken.None);
        var reported = new List<(RetentionReason Reason, long Events)>();

        await Assert.ThrowsAsync<IOException>(() => store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None, (reason, events) => reported.Add((reason, events))));

        Assert.Equal([(RetentionReason.Age, 100L)], reported); // the events' commit came before the failure
        Assert.Empty((await store.QueryAsync(new EventQuery(), CancellationToken.None)).Events);
    }

    [Fact]
    public async Task Run_UnderTheReserveByLessThanAChunk_RemovesLessThanAChunkAndMeetsIt()
    {
        // 3000 events of 4 KB (12 MB); 1 MB free and a 4 MB reserve: about 3 MB, some 750 events, are missing.
        using var data = new TempDirectory();
        long free = 10L * 1024 * 1024 * 1024;
        const long Reserve = 4L * 1024 * 1024;
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            Reserve = new DiskReserve(Reserve, SqliteCommands.MinWalBytes, new DataFolderSpace(_ => Volatile.Read(ref free)), data.Path, new RetentionTrigger(), TimeProvider.System),
        };
        await store.InitializeAsync(CancellationToken.None);
        for (var b = 0; b < 15; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 200, 200).Select(i => Event(i, T0.AddSeconds(i), $"ev{i:D5} {new string('x', 4096)}"))]), CancellationToken.None);
        }

        await store.WaitForFullTextAsync(CancellationToken.None);
        Volatile.Write(ref free, 1024 * 1024);
        var chunks = new List<long>();

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(1), CancellationToken.None, (_, events) => chunks.Add(events));

        var reusable = FreeListBytes(store.DatabasePath) + FreeListBytes(store.FullTextPath);
        Assert.True(1024 * 1024 + reusable >= Reserve, $"met: {reusable} bytes reusable; chunks {string.Join(", ", chunks)}");
        Assert.InRange(result.ByFreeSpace, 1, 1999); // before: one whole chunk, 2000
        Assert.Equal(result.ByFreeSpace, chunks.Sum());
        Assert.Null(result.ReserveUnmet);
        Assert.Equal(100, chunks[0]); // the probe that measures the bytes per event
    }

    /// <summary>
    /// fc3d702's wait for a snapshot that ends, at the reserve's measure (its test took the size cap's): the reserve on a
    /// disk that holds only the data folder (free bytes: a capacity less the folder's files, the one fake), short of it by
    /// less than the WAL a checkpoint cuts. A snapshot at the first measure (a search, the reserve's watch, the indexer's
    /// look-ups: any moment) kept the WAL, and the run removed the probe chunk, which the disk did not need.
    /// </summary>
    [Fact]
    public async Task Run_UnderTheReserveByLessThanTheWal_SnapshotEndingAtTheMeasure_RemovesNothing()
    {
        using var data = new TempDirectory();
        const long Reserve = 4L * 1024 * 1024;
        long capacity = long.MaxValue / 2;
        HeldSnapshot? snapshot = null;
        var heldCount = 0;
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            Reserve = new DiskReserve(Reserve, SqliteCommands.MinWalBytes, new DataFolderSpace(d => Volatile.Read(ref capacity) - FolderBytes(d)), data.Path, new RetentionTrigger(), TimeProvider.System),
            Retention = new SqliteRetention(Path.Combine(data.Path, SqliteEventStore.FileName), Path.Combine(data.Path, SqliteFtsIndexer.FileName))
            {
                CheckpointHeld = () =>
                {
                    heldCount++;
                    snapshot?.End(); // the reader's snapshot ends while the checkpoint waits
                },
            },
        };
        await store.InitializeAsync(CancellationToken.None);
        for (var b = 0; b < 15; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 200, 200).Select(i => Event(i, T0.AddSeconds(i), $"ev{i:D5} {new string('x', 4096)}"))]), CancellationToken.None);
        }

        await store.WaitForFullTextAsync(CancellationToken.None);
        using var held = new HeldSnapshot(store.DatabasePath);
        snapshot = held;

        foreach (var file in (string[])[store.DatabasePath, store.FullTextPath])
        {
            using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            connection.Open();
            using var passive = connection.CreateCommand();
            passive.CommandText = "PRAGMA wal_checkpoint(PASSIVE)"; // the pages go into the files now: the run's checkpoint only cuts the WAL
            passive.ExecuteNonQuery();
        }

        var wal = new FileInfo(store.DatabasePath + "-wal").Length;
        Volatile.Write(ref capacity, FolderBytes(data.Path) + Reserve - (wal / 2)); // short by half the WAL

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(1), CancellationToken.None);

        Assert.True(wal > Reserve, $"the WAL ({wal} bytes) holds the events");
        Assert.True(heldCount > 0, "the checkpoint found the WAL held");
        Assert.Equal(0, result.ByFreeSpace); // before: 100, the probe chunk
        Assert.Null(result.ReserveUnmet);
    }

    [Fact]
    public async Task Run_UnderTheReserveWithNothingToRemove_SaysWhatRoomIsLeft()
    {
        using var data = new TempDirectory();
        const long Reserve = 4L * 1024 * 1024;
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            Reserve = new DiskReserve(Reserve, SqliteCommands.MinWalBytes, new DataFolderSpace(_ => 1024 * 1024), data.Path, new RetentionTrigger(), TimeProvider.System),
        };
        await store.InitializeAsync(CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(1), CancellationToken.None);

        Assert.Equal(0, result.Removed);
        var unmet = Assert.IsType<ReserveShortfall>(result.ReserveUnmet);
        Assert.Equal((1024 * 1024, Reserve), (unmet.FreeBytes, unmet.MinFreeBytes));
    }

    [Fact]
    public async Task Initialize_UnderTheReserveWithEvents_WarnsNamingTheFolderTheRoomAndTheOption_NotWhenEmpty()
    {
        using var data = new TempDirectory();
        const long Reserve = 4L * 1024 * 1024;
        var emptyStart = await StartLogAsync(data.Path, Reserve);
        await using (var store = Open(data.Path, crashAfterEventsChunk: false))
        {
            await store.InitializeAsync(CancellationToken.None);
            await store.AppendAsync(new EventBatch(null, [Event(0, T0, "kept until the reserve needs room")]), CancellationToken.None);
        }

        var start = await StartLogAsync(data.Path, Reserve);

        Assert.Empty(emptyStart); // nothing to delete: nothing to warn of
        var warning = Assert.Single(start);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"The data folder {data.Path} has 1048576 bytes free", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"under the free-space reserve of {Reserve} bytes: retention removes the oldest events now", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Collector:Retention:MinFreeBytes lower (0 turns the reserve off)", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>Opens the store with 1 MiB free and <paramref name="reserve"/>; returns what it logged at Warning and above.</summary>
    private static async Task<List<(string Category, LogLevel Level, string Message, Exception? Exception)>> StartLogAsync(string directory, long reserve)
    {
        var log = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log));
        await using var store = new SqliteEventStore(directory, TimeProvider.System, factory.CreateLogger<SqliteEventStore>())
        {
            Reserve = new DiskReserve(reserve, SqliteCommands.MinWalBytes, new DataFolderSpace(_ => 1024 * 1024), directory, new RetentionTrigger(), TimeProvider.System),
        };
        await store.InitializeAsync(CancellationToken.None);
        return [.. log.Entries];
    }

    private static long FolderBytes(string folder) => Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);

    private static long FreeListBytes(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT f.freelist_count * s.page_size FROM pragma_freelist_count() f, pragma_page_size() s";
        return (long)command.ExecuteScalar()!;
    }
}
