using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The store contract on SQLite, plus what is SQLite's own (id scheme).</summary>
public sealed class SqliteEventStoreTests : EventStoreContractTests
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

    private static long PageSize(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

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
