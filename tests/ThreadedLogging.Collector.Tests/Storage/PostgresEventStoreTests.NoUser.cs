using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>PostgreSQL's events without a user (schema version 8): read newest first through their own index, and a version 7 database converted.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(LogLevel.Error)]
    public async Task Query_NoUser_ReadNewestFirstThroughTheNoUserIndexNoSort(LogLevel? minLevel)
    {
        await Store.AppendAsync(new EventBatch(null, [WithoutUser(Event(1)), With(Event(2), user: string.Empty), With(Event(3), user: "alice"), WithoutUser(Event(4, at: T0.AddDays(1)))]), CancellationToken.None);
        var indexes = await NoUserIndexesAsync();

        var plan = await PlanAsync(new EventQuery { NoUser = true, MinLevel = minLevel, Limit = 10 });

        // Before: "lower(user_name) IS NULL OR lower(user_name) = ''", a BitmapOr of two ranges, every match sorted.
        Assert.DoesNotContain(plan, line => line.Contains("Sort", StringComparison.Ordinal));
        Assert.True(plan.Any(line => line.Contains("Index", StringComparison.Ordinal) && indexes.Any(i => line.Contains(" " + i + " ", StringComparison.Ordinal))), string.Join("\n", plan));
    }

    [Fact]
    public async Task Initialize_OnVersion7DatabaseWithEmptyUserNames_TheyBecomeNoUser()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using (var current = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance))
        {
            await current.InitializeAsync(CancellationToken.None);
            await current.AppendAsync(new EventBatch(null, [WithoutUser(Event(1)), With(Event(2), user: "bob"), With(Event(3), user: "alice")]), CancellationToken.None);
        }

        // As version 7 left an event sent with an empty user name, and without the index.
        await using (var downgrade = dataSource.CreateCommand("UPDATE events SET user_name = '' WHERE sequence = 2; DROP INDEX ix_events_no_user; UPDATE tl_schema SET version = 7"))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var found = (await store.QueryAsync(new EventQuery { NoUser = true, Limit = 10 }, CancellationToken.None)).Events;

        Assert.Equal([2L, 1L], found.Select(e => e.Sequence!.Value));
        Assert.All(found, e => Assert.Null(e.User));
        await using var index = dataSource.CreateCommand("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_events_no_user'");
        Assert.Equal(1L, await index.ExecuteScalarAsync());
    }

    /// <summary>The partitions' indexes made from ix_events_no_user (PostgreSQL names them after the partition).</summary>
    private async Task<List<string>> NoUserIndexesAsync()
    {
        await using var command = _dataSource!.CreateCommand("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ix_events_no_user'::regclass");
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        Assert.NotEmpty(names);
        return names;
    }
}
