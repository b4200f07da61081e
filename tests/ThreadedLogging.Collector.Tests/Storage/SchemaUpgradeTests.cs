using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// A database of schema version 2 (users without latest errors, a case-sensitive user index, a full-text
/// index of messages only) is brought to version 3 at the next start: latest errors filled in from the
/// events and the full-text index rebuilt with the exceptions.
/// </summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Start_OnVersion2Database_BackfillsLatestErrorsAndIndexesExceptions()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync(new EventBatch(null, [
                new NewEvent { Timestamp = T0, Level = LogLevel.Error, Message = "first failure", User = "Alice" },
                new NewEvent { Timestamp = T0.AddMinutes(5), Level = LogLevel.Critical, Message = "run failed", User = "Alice", ExceptionJson = """{"type":"ZeroDivisionError","message":"division by zero","text":"Traceback...\nZeroDivisionError: division by zero"}""" },
                new NewEvent { Timestamp = T0.AddMinutes(9), Level = LogLevel.Information, Message = "still here", User = "Alice" },
            ]), CancellationToken.None);
        }

        DowngradeToVersion2();

        await using (var store = await OpenAsync())
        {
            var found = (await store.QueryAsync(new EventQuery { Words = ["ZeroDivisionError"] }, CancellationToken.None)).Events;
            var forUser = (await store.QueryAsync(new EventQuery { User = "alice" }, CancellationToken.None)).Events;
            var users = (await store.GetUsersAsync(new UserQuery { WindowFrom = T0, WindowTo = T0.AddHours(1), Sort = UserSort.LatestError }, CancellationToken.None)).Users;

            Assert.Equal("run failed", Assert.Single(found).Message);
            Assert.Equal(3, forUser.Count);
            Assert.Equal("run failed", Assert.Single(users).LatestError!.Message);
        }
    }

    /// <summary>Turns the files into what version 2 left: the schema of main before issue 10.</summary>
    private void DowngradeToVersion2()
    {
        using (var main = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            main.Open();
            using var command = main.CreateCommand();
            command.CommandText = """
                DROP INDEX ix_users_last_error;
                ALTER TABLE users DROP COLUMN last_error_id;
                ALTER TABLE users DROP COLUMN last_error_ts;
                DROP INDEX ix_users_user_nocase;
                DROP INDEX ix_events_user_nocase;
                CREATE INDEX ix_events_user ON events (user);
                PRAGMA user_version = 2;
                """;
            command.ExecuteNonQuery();
        }

        using var fts = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False");
        fts.Open();
        using var old = fts.CreateCommand();
        old.CommandText = """
            DROP TABLE events_fts_vocab;
            DROP TABLE events_fts;
            CREATE VIRTUAL TABLE events_fts USING fts5 (message, content = '', columnsize = 0);
            CREATE VIRTUAL TABLE events_fts_vocab USING fts5vocab (events_fts, 'row');
            PRAGMA user_version = 0;
            """;
        old.ExecuteNonQuery();
    }

    private async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
