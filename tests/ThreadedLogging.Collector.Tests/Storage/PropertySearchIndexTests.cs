using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// SQLite: an index file written before properties were searched (no <c>properties</c> column) is rebuilt from the
/// events at the next start, and the groups a stop left unindexed are repaired with their properties and scopes.
/// </summary>
public sealed class PropertySearchIndexTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Restart_WithAnIndexWithoutTheProperties_RebuildsItAndFindsTheirValues()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync(new EventBatch(null, [Event(1, """{"OrderId":48151623}""", null), Event(2, null, """{"scopes":[{"Tenant":"acme"}]}""")]), CancellationToken.None);
        }

        // The index as it was before: message and exception only, everything indexed.
        SqliteConnection.ClearAllPools();
        using (var fts = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False"))
        {
            fts.Open();
            using var old = fts.CreateCommand();
            old.CommandText = """
                DROP TABLE events_fts_vocab; DROP TABLE events_fts;
                CREATE VIRTUAL TABLE events_fts USING fts5 (message, exception, content = '', contentless_delete = 1);
                CREATE VIRTUAL TABLE events_fts_vocab USING fts5vocab (events_fts, 'row');
                INSERT INTO events_fts (rowid, message) VALUES (1, 'card declined'), (2, 'request done');
                """;
            old.ExecuteNonQuery();
        }

        await using var reopened = await OpenAsync();

        Assert.Equal(new long[] { 1 }, await FoundAsync(reopened, "48151623"));
        Assert.Equal(new long[] { 2 }, await FoundAsync(reopened, "acme"));
        Assert.Equal(new long[] { 1 }, await FoundAsync(reopened, "declined"));
    }

    private async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task<long[]> FoundAsync(SqliteEventStore store, string word) =>
        [.. (await store.QueryAsync(new EventQuery { Words = [word], Limit = 100 }, CancellationToken.None)).Events.Select(e => e.Sequence!.Value)];

    private static NewEvent Event(long sequence, string? properties, string? context) => new()
    {
        Timestamp = T0.AddSeconds(sequence),
        Level = LogLevel.Information,
        Message = sequence == 1 ? "card declined" : "request done",
        PropertiesJson = properties,
        ContextJson = context,
        InstanceId = "instance",
        Sequence = sequence,
    };
}
