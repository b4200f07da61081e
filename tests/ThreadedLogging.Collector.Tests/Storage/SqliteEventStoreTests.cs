using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The store contract on SQLite, plus what is SQLite's own (id scheme).</summary>
public sealed partial class SqliteEventStoreTests : EventStoreContractTests
{
    private TempDirectory? _directory;

    [Fact]
    public void EventIds_SortLikeTimestamps()
    {
        var earlier = SqliteEventIds.Create(T0, counter: SqliteEventIds.CounterMask);
        var later = SqliteEventIds.Create(T0.AddMilliseconds(1), counter: 0);

        Assert.True(earlier < later);
        Assert.True(SqliteEventIds.First(T0) <= SqliteEventIds.Create(T0, 5));
        Assert.True(SqliteEventIds.After(T0) > SqliteEventIds.Create(T0.AddTicks(9999), SqliteEventIds.CounterMask));
    }

    [Fact]
    public async Task Initialize_NewDatabase_HasSixteenKiBPages_AndAnExistingOneKeepsItsOwn()
    {
        using var fresh = new TempDirectory();
        await using (var store = new SqliteEventStore(fresh.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        Assert.Equal((long)SqliteSchema.PageSize, PageSize(Path.Combine(fresh.Path, SqliteEventStore.FileName)));

        // A database made with 4 KiB pages (before this version) opens, takes events and keeps its pages.
        using var older = new TempDirectory();
        var path = Path.Combine(older.Path, SqliteEventStore.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE before_upgrade (x INTEGER);";
            create.ExecuteNonQuery();
        }

        await using (var store = new SqliteEventStore(older.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            var result = await store.AppendAsync(new EventBatch(null, [new NewEvent { Timestamp = T0, Level = LogLevel.Information, Message = "kept" }]), CancellationToken.None);
            Assert.Equal(1, result.Stored);
        }

        Assert.Equal(4096L, PageSize(path));
    }

    [Theory]
    [InlineData(16384, 8192)]
    [InlineData(4096, 32768)]
    public void CheckpointEvery_AnyPageSize_CheckpointsEvery128MiBOfWal(int pageSize, long pages)
    {
        using var directory = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "wal.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA page_size = {pageSize}; PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);";
        command.ExecuteNonQuery();

        SqliteCommands.CheckpointEvery(connection);

        command.CommandText = "PRAGMA wal_autocheckpoint";
        Assert.Equal(pages, (long)command.ExecuteScalar()!);
        Assert.Equal(SqliteCommands.CheckpointWalBytes, pages * pageSize);
    }

    [Fact]
    public async Task Append_MultiRowStatementsPartlyKnown_StoreOnlyTheNewEventsOnce()
    {
        var count = (SqliteEventRows.RowsPerInsert * 2) + 5; // two multi-row statements and five single ones
        NewEvent Numbered(int n) => new() { Timestamp = T0.AddMilliseconds(n), Level = LogLevel.Information, Message = $"numbered {n}", User = "chunks", InstanceId = "chunked", Sequence = n };
        using var directory = new TempDirectory();
        await using var store = new SqliteEventStore(directory.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);

        var first = await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, count).Where(n => n % 3 == 0).Select(Numbered)]), CancellationToken.None);
        var second = await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, count).Select(Numbered)]), CancellationToken.None);
        var third = await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, count).Select(Numbered)]), CancellationToken.None);
        // Later events (ids above every stored one), one of them twice in the same statement.
        var later = await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(count, SqliteEventRows.RowsPerInsert - 1).Prepend(count).Select(Numbered)]), CancellationToken.None);
        var stored = (await store.QueryAsync(new EventQuery { Limit = 1000 }, CancellationToken.None)).Events;
        var found = (await store.QueryAsync(new EventQuery { Words = ["numbered"], Limit = 1000 }, CancellationToken.None)).Events;
        var user = Assert.Single((await store.GetUsersAsync(new UserQuery { WindowFrom = T0, WindowTo = T0.AddHours(1) }, CancellationToken.None)).Users);

        Assert.Equal((count + 2) / 3, first.Stored);
        Assert.Equal(count - first.Stored, second.Stored);
        Assert.Equal(0, third.Stored);
        Assert.Equal(SqliteEventRows.RowsPerInsert - 1, later.Stored);
        var total = count + SqliteEventRows.RowsPerInsert - 1;
        Assert.Equal(Enumerable.Range(0, total).Select(n => (long)n), stored.Select(e => e.Sequence!.Value).Order());
        Assert.Equal(total, found.Count);
        Assert.Equal(total, user.Total);
    }

    [Fact]
    public async Task Append_MultiRowStatementMeetsTakenId_EveryEventStoredWithAnIdOfItsOwn()
    {
        using var directory = new TempDirectory();
        await using (var created = new SqliteEventStore(directory.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await created.InitializeAsync(CancellationToken.None);
        }

        // The next start counts on from the last id's counter (5): the first statement's ids (counters 6 to 37) meet 10.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO events (id, ts, level, message, received) VALUES ($last, $ts, 2, 'last', 0), ($taken, $ts, 2, 'taken', 0)";
            insert.Parameters.AddWithValue("$last", SqliteEventIds.Create(T0.AddDays(1), 5));
            insert.Parameters.AddWithValue("$taken", SqliteEventIds.Create(T0, 10));
            insert.Parameters.AddWithValue("$ts", T0.UtcTicks);
            insert.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await using var store = new SqliteEventStore(directory.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var count = SqliteEventRows.RowsPerInsert * 2;

        var result = await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, count).Select(n => new NewEvent { Timestamp = T0, Level = LogLevel.Information, Message = $"same millisecond {n}" })]), CancellationToken.None);
        var stored = (await store.QueryAsync(new EventQuery { From = T0, To = T0, Limit = 1000 }, CancellationToken.None)).Events;

        Assert.Equal(count, result.Stored);
        Assert.Equal(count + 1, stored.Count); // and "taken" (the last id lies a day later)
        Assert.Equal(stored.Count, stored.Select(e => e.Id).Distinct().Count());
        Assert.Equal("taken", stored.Single(e => e.Id == SqliteEventIds.Create(T0, 10)).Message);
        Assert.Equal(Enumerable.Range(0, count).Select(n => $"same millisecond {n}").Order(), stored.Select(e => e.Message).Where(m => m.StartsWith("same", StringComparison.Ordinal)).Order());
    }

    private static long PageSize(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

    private protected override void UseErasureChunking(ErasureChunking chunking) => ((SqliteEventStore)Store).ErasureChunking = chunking;

    private protected override Task<IEventStore> CreateStoreAsync()
    {
        _directory = new TempDirectory();
        return Task.FromResult<IEventStore>(new SqliteEventStore(_directory.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance));
    }

    protected override Task DeleteStoreAsync()
    {
        _directory?.Dispose();
        return Task.CompletedTask;
    }
}
