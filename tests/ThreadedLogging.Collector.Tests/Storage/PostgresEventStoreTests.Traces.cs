using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>PostgreSQL's trace column (schema version 6): its index, and the events of an older schema filled in.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task Query_TraceId_ReadThroughTheTraceIndex()
    {
        await Store.AppendAsync(new EventBatch(null, [Traced(Event(1), "4bf92f3577b34da6a3ce929d0e0e4736")]), CancellationToken.None);
        var plan = await PlanAsync(new EventQuery { TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", Limit = 10 });

        Assert.True(plan.Any(line => line.Contains("Index", StringComparison.Ordinal) && line.Contains("trace_id", StringComparison.Ordinal)), string.Join("\n", plan));
    }

    [Fact]
    public async Task Initialize_OnVersion5Database_TraceIdsOfStoredEventsFilledIn()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using (var current = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance))
        {
            await current.InitializeAsync(CancellationToken.None);
            await current.AppendAsync(new EventBatch(null, [
                Traced(Event(1), "4bf92f3577b34da6a3ce929d0e0e4736"),
                Traced(Event(2), "4BF92F3577B34DA6A3CE929D0E0E4736"),
                Traced(Event(3), "00000000000000000000000000000000"),
                Traced(Event(4), "not-a-trace"),
                Traced(Event(5), null),
            ]), CancellationToken.None);
        }

        // As a version 5 collector left it: no trace column (its index goes with it), the ids only in the context.
        await using (var downgrade = dataSource.CreateCommand("ALTER TABLE events DROP COLUMN trace_id; UPDATE tl_schema SET version = 5"))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var found = (await store.QueryAsync(new EventQuery { TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", Limit = 10 }, CancellationToken.None)).Events;

        Assert.Equal([2L, 1L], found.Select(e => e.Sequence!.Value));
        await using var traced = dataSource.CreateCommand("SELECT count(*) FROM events WHERE trace_id IS NOT NULL");
        Assert.Equal(2L, await traced.ExecuteScalarAsync());
    }
}
