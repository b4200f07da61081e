using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention while the full-text indexer has not yet indexed what it deletes: the index ends as the events are.</summary>
public sealed partial class SqliteRetentionTests
{
    [Fact]
    public async Task Run_EventsNotYetIndexed_IndexHoldsNoEntryOfTheDeletedAndKeepsAnOlderEventStoredAfter()
    {
        using var data = new TempDirectory();
        // The indexer gathers groups until a query with words hurries it: the events below are committed, not yet indexed.
        await using var store = new SqliteEventStore(data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            FullTextLingerTime = TimeSpan.FromHours(1),
        };
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(1, T0, "expired alpha"), Event(2, T0.AddDays(39), "kept gamma")]), CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions(), T0.AddDays(40), CancellationToken.None);
        // A late event, older than the one retention deleted (below its mark), stored after the run: it stays, and is found.
        await store.AppendAsync(new EventBatch(null, [Event(3, T0.AddSeconds(-1), "late beta")]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);

        Assert.Equal(1, result.ByAge);
        Assert.Equal(0, IndexCount(store.FullTextPath, "alpha"));
        Assert.Equal(1, IndexCount(store.FullTextPath, "beta"));
        Assert.Equal(1, IndexCount(store.FullTextPath, "gamma"));
        Assert.Equal(3L, Assert.Single((await store.QueryAsync(new EventQuery { Words = ["beta"] }, CancellationToken.None)).Events).Sequence);
    }
}
