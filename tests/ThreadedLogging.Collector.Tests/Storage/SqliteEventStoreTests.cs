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
