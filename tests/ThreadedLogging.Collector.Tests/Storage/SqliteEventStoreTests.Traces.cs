using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>SQLite's trace column (schema version 7): its index, and the events of a version 6 file filled in.</summary>
public sealed partial class SqliteEventStoreTests
{
    [Fact]
    public async Task Query_TraceId_ReadThroughTheTraceIndexNotAScan()
    {
        await Store.AppendAsync(new EventBatch(null, [Traced(Event(1), "4bf92f3577b34da6a3ce929d0e0e4736")]), CancellationToken.None);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory!.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var plan = SqlitePlans.Of(connection, command => SqliteQueryBuilder.Build(command, new EventQuery { TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", Limit = 10 }));

        Assert.Contains(plan, step => step.Contains("ix_events_trace_id (trace_id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN e", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_OnVersion6File_TraceIdsOfStoredEventsFilledIn()
    {
        using var data = new TempDirectory();
        await using (var current = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await current.InitializeAsync(CancellationToken.None);
            await current.AppendAsync(new EventBatch(null, [
                Traced(Event(1), "4bf92f3577b34da6a3ce929d0e0e4736"),
                Traced(Event(2), "4BF92F3577B34DA6A3CE929D0E0E4736"),
                Traced(Event(3), "00000000000000000000000000000000"),
                Traced(Event(4), "not-a-trace"),
                Traced(Event(5), null),
                new NewEvent { Timestamp = T0, Level = LogLevel.Information, Message = "a scope's", Sequence = 6, ContextJson = """{"scopes":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}]}""" },
            ]), CancellationToken.None);
        }

        // As version 6 left it: no trace column and no index, the ids only in the context.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = "DROP INDEX ix_events_trace_id; ALTER TABLE events DROP COLUMN trace_id; PRAGMA user_version = 6;";
            downgrade.ExecuteNonQuery();
        }

        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var found = (await store.QueryAsync(new EventQuery { TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", Limit = 10 }, CancellationToken.None)).Events;

        Assert.Equal([2L, 1L], found.Select(e => e.Sequence!.Value));
    }
}
