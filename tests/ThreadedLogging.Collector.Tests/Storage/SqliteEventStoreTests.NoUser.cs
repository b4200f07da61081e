using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>SQLite's events without a user (schema version 8): one form, one index range newest first, and a version 7 file converted.</summary>
public sealed partial class SqliteEventStoreTests
{
    [Fact]
    public async Task Query_NoUserWithAnEmptyNameStored_OneIndexRangeNoSort()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: string.Empty), With(Event(2), user: "alice"), WithoutUser(Event(3))]), CancellationToken.None);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory!.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();

        // The empty name got no key of its own: a key besides NULL made the filter two ranges whose rows were all sorted.
        using (var names = connection.CreateCommand())
        {
            names.CommandText = "SELECT count(*) FROM user_names WHERE name = ''";
            Assert.Equal(0L, names.ExecuteScalar());
        }

        var plan = SqlitePlans.Of(connection, command => SqliteQueryBuilder.Build(command, new EventQuery { NoUser = true, Limit = 10 }));
        Assert.Contains(plan, step => step.Contains("ix_events_user (user_key=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_OnVersion7FileWithEmptyUserNames_TheyBecomeNoUser()
    {
        using var data = new TempDirectory();
        await using (var current = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await current.InitializeAsync(CancellationToken.None);
            await current.AppendAsync(new EventBatch(null, [WithoutUser(Event(1)), With(Event(2), user: "bob"), With(Event(3), user: "alice")]), CancellationToken.None);
        }

        // As version 7 left an event sent with an empty user name: a key of its own.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                INSERT INTO user_names (name) VALUES ('');
                UPDATE events SET user_key = (SELECT id FROM user_names WHERE name = '') WHERE sequence = 2;
                PRAGMA user_version = 7;
                """;
            downgrade.ExecuteNonQuery();
        }

        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var found = (await store.QueryAsync(new EventQuery { NoUser = true, Limit = 10 }, CancellationToken.None)).Events;

        Assert.Equal([2L, 1L], found.Select(e => e.Sequence!.Value));
        Assert.All(found, e => Assert.Null(e.User));
        Assert.Equal("alice", Assert.Single((await store.QueryAsync(new EventQuery { User = "alice", Limit = 10 }, CancellationToken.None)).Events).User);
    }
}
