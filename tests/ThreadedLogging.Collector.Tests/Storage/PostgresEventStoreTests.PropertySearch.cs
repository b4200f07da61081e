using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>PostgreSQL schema version 7: the events stored before it are found by their property and scope values.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task Initialize_OnVersion6Database_OldEventsFoundByPropertyAndScopeValues()
    {
        await using var database = PostgresDatabase.Create();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString());
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await PostgresSchema.EnsureAsync(connection, 6, CancellationToken.None);
        }

        // Stored as a version 6 collector stores them (the insert is the same; the search column is the database's).
        await using (var old = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance))
        {
            await old.AppendAsync(new EventBatch(null, [
                WithStructure(Event(1), """{"OrderId":48151623}""", null),
                WithStructure(Event(2), null, """{"scopes":["Request r-77",{"Tenant":"acme"}],"threadName":"worker"}"""),
                WithStructure(Event(3), null, """{"threadId":3,"text":"\u0000 acme"}"""),
            ]), CancellationToken.None);
        }

        await using var store = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);

        async Task<long[]> Found(string word) =>
            [.. (await store.QueryAsync(new EventQuery { Words = [word], Limit = 100 }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value)];
        Assert.Equal(new long[] { 1 }, await Found("48151623"));
        Assert.Equal(new long[] { 2 }, await Found("acme"));
        Assert.Empty(await Found("worker"));
        Assert.Empty(await Found("OrderId"));
    }

    /// <summary>
    /// A properties text System.Text.Json takes and jsonb refuses (a number past <c>numeric</c>'s range) has no members
    /// on PostgreSQL: the property filter misses that event there, where SQLite's <c>json_each</c> reads it. Kept and
    /// documented (docs/QUERY.md): no client writes such a number, and reading it at ingest is the write path's change.
    /// </summary>
    [Fact]
    public async Task PropertyFilter_PropertiesJsonbRefuses_NoMemberMatchesOnPostgres()
    {
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1), """{"Flag":true,"Big":1e200000}""", null),
            WithStructure(Event(2), """{"Flag":true,"Big":1e20}""", null),
        ]), CancellationToken.None);

        var found = await Store.QueryAsync(new EventQuery { Properties = [new PropertyCondition("Flag", "true")], Limit = 100 }, CancellationToken.None);

        Assert.Equal([2L], found.Events.Select(e => e.Sequence!.Value));
    }
}
