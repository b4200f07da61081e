using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// What every <see cref="IEventStore"/> must do (run by the SQLite store now, by PostgreSQL later):
/// idempotent batches, exactly-once per (instance, sequence), newest-first keyset paging that holds
/// with late arrivals, filters and full text.
/// </summary>
public abstract partial class EventStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private protected IEventStore Store { get; private set; } = null!;

    /// <summary>Gets whether the store's (instance, sequence) key also holds the day, so that one of another day's time is stored (PostgreSQL's partitions).</summary>
    private protected virtual bool IdentityHoldsTheDay => false;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DeleteStoreAsync();
    }

    [Fact]
    public async Task Append_SameBatchKeyTwice_StoredOnceAndReportedDuplicate()
    {
        var batch = new EventBatch("k1", [Event(1), Event(2)]);

        var first = await Store.AppendAsync(batch, CancellationToken.None);
        var second = await Store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal(new AppendResult(2, 2, false), first);
        Assert.Equal(new AppendResult(2, 0, true), second);
        Assert.Equal(2, (await QueryAsync(new EventQuery())).Count);
    }

    [Fact]
    public async Task Append_KnownInstanceAndSequence_SkippedOthersStored()
    {
        await Store.AppendAsync(new EventBatch("a", [Event(1, instance: "i"), Event(2, instance: "i")]), CancellationToken.None);

        var result = await Store.AppendAsync(new EventBatch("b", [Event(2, instance: "i"), Event(3, instance: "i"), Event(2, instance: "other")]), CancellationToken.None);

        Assert.Equal(2, result.Stored);
        Assert.Equal(4, (await QueryAsync(new EventQuery())).Count);
    }

    [Fact]
    public async Task Append_KnownInstanceAndSequenceOnAnotherDay_SkippedBySqliteStoredByPostgres()
    {
        // The one way the stores' exactly-once differs (README, PostgreSQL): SQLite's key is (instance, sequence), PostgreSQL's
        // holds the day as well (its partition key), so an event of a known (instance, sequence) whose time is another day's
        // is stored there. No client here sends one: a resent event carries its original time.
        await Store.AppendAsync(new EventBatch("a", [Event(1, instance: "i")]), CancellationToken.None);

        var later = await Store.AppendAsync(new EventBatch("b", [Event(1, at: T0.AddDays(1), instance: "i"), Event(1, instance: "i")]), CancellationToken.None);

        Assert.Equal(IdentityHoldsTheDay ? 1 : 0, later.Stored);
        var stored = await QueryAsync(new EventQuery());
        Assert.Equal(IdentityHoldsTheDay ? [T0.AddDays(1), T0.AddSeconds(1)] : [T0.AddSeconds(1)], stored.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task Append_EmptyMessages_StoredAsEmptyText()
    {
        // Every other message has no characters: text, not NULL (the column is NOT NULL), alone and in SQLite's
        // 32-row statements alike (40 events: one multi-row statement and eight single ones).
        var events = Enumerable.Range(1, 40).Select(i => Event(i, message: i % 2 == 0 ? string.Empty : null)).ToList();

        var result = await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);

        Assert.Equal(40, result.Stored);
        var stored = await QueryAsync(new EventQuery());
        Assert.Equal(40, stored.Count);
        Assert.All(stored, e => Assert.Equal(e.Sequence % 2 == 0 ? string.Empty : $"event {e.Sequence}", e.Message));
    }

    [Fact]
    public async Task Append_ConcurrentRequests_SameKeyOnceAndAFailingOneAlone()
    {
        // Concurrent requests may be committed together; each still succeeds or fails on its own.
        var poison = new NewEvent { Timestamp = T0, Level = LogLevel.Error, Message = null! };
        var tasks = Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => Store.AppendAsync(new EventBatch(i % 2 == 0 ? "same" : null, [Event(i)]), CancellationToken.None)))
            .ToList();
        var poisoned = Task.Run(() => Store.AppendAsync(new EventBatch("poison", [Event(100), poison]), CancellationToken.None));

        var results = await Task.WhenAll(tasks);
        await Assert.ThrowsAnyAsync<Exception>(() => poisoned);

        Assert.Single(results.Where((r, i) => i % 2 == 0 && !r.Duplicate));
        Assert.Equal(21, (await QueryAsync(new EventQuery())).Count);
        var retry = await Store.AppendAsync(new EventBatch("poison", [Event(100)]), CancellationToken.None);
        Assert.False(retry.Duplicate);
        Assert.Equal(22, (await QueryAsync(new EventQuery())).Count);
    }

    [Fact]
    public async Task Query_LateArrivals_OrderedByTimestampNewestFirst()
    {
        // Arrival order differs from time order: an offline client delivers old events later.
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0.AddMinutes(10)), Event(2, at: T0.AddMinutes(30))]), CancellationToken.None);
        await Store.AppendAsync(new EventBatch(null, [Event(3, at: T0.AddMinutes(20)), Event(4, at: T0.AddMinutes(5))]), CancellationToken.None);

        var events = await QueryAsync(new EventQuery());

        Assert.Equal([2L, 3L, 1L, 4L], events.Select(e => e.Sequence!.Value));
    }

    [Fact]
    public async Task Query_Paging_VisitsEachEventOnceAcrossLateArrivals()
    {
        var random = new Random(5);
        for (var b = 0; b < 10; b++)
        {
            var events = Enumerable.Range(b * 20, 20).Select(i => Event(i, at: T0.AddSeconds(random.Next(3600)))).ToList();
            await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        }

        var seen = new List<StoredEvent>();
        var query = new EventQuery { Limit = 7 };
        while (true)
        {
            var page = await Store.QueryAsync(query, CancellationToken.None);
            seen.AddRange(page.Events);
            if (page.Next is null)
            {
                break;
            }

            query = query with { Before = page.Next };
        }

        Assert.Equal(200, seen.Count);
        Assert.Equal(200, seen.Select(e => e.Sequence).Distinct().Count());
        var times = seen.Select(e => e.Timestamp).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task Query_TimeRange_InclusiveToTheTick()
    {
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: T0.AddTicks(1)), Event(3, at: T0.AddTicks(2))]), CancellationToken.None);

        var events = await QueryAsync(new EventQuery { From = T0.AddTicks(1), To = T0.AddTicks(1) });

        Assert.Equal(2L, Assert.Single(events).Sequence);
    }

    [Fact]
    public async Task Query_FullText_CommonWordPagesNewestFirst()
    {
        var events = Enumerable.Range(0, 300).Select(i => Event(i, at: T0.AddSeconds(i), message: i % 3 == 0 ? $"invoice {i} rejected" : $"invoice {i} paid")).ToList();
        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);

        var page = await Store.QueryAsync(new EventQuery { Words = ["invoice"], Limit = 10 }, CancellationToken.None);
        var rejected = await QueryAsync(new EventQuery { Words = ["REJECTED"] });
        var rejectedForUser = await QueryAsync(new EventQuery { Words = ["rejected"], User = "u1" });

        Assert.Equal(Enumerable.Range(290, 10).Reverse().Select(i => (long)i), page.Events.Select(e => e.Sequence!.Value));
        Assert.NotNull(page.Next);
        Assert.Equal(100, rejected.Count);
        Assert.All(rejectedForUser, e => Assert.Equal("u1", e.User));
        Assert.Equal(events.Count(e => e.User == "u1" && e.Message.Contains("rejected", StringComparison.Ordinal)), rejectedForUser.Count);
    }

    [Fact]
    public async Task Query_FullTextOverManyDays_PagesEachMatchOnceNewestFirst()
    {
        // Matches on irregular days from 40 days back to 20 ahead (PostgreSQL walks the days in growing windows).
        int[] days = [-40, -39, -31, -17, -16, -9, -5, -4, -3, -1, 0, 1, 2, 6, 7, 8, 20];
        var events = days.SelectMany((d, i) => Enumerable.Range(0, 3).Select(k => Event((i * 10) + k, at: T0.AddDays(d).AddMinutes(k), message: k == 1 ? $"other {d}" : $"needle on day {d}"))).ToList();
        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        var expected = events.Where(e => e.Message.StartsWith("needle", StringComparison.Ordinal)).Select(e => e.Sequence!.Value).Reverse().ToList();

        async Task<List<long>> PagesAsync(EventQuery query)
        {
            var seen = new List<long>();
            for (var page = await Store.QueryAsync(query, CancellationToken.None); ; page = await Store.QueryAsync(query with { Before = page.Next }, CancellationToken.None))
            {
                seen.AddRange(page.Events.Select(e => e.Sequence!.Value));
                if (page.Next is null)
                {
                    return seen;
                }
            }
        }

        Assert.Equal(expected, await PagesAsync(new EventQuery { Words = ["needle"], Limit = 3 }));
        Assert.Equal(expected, await PagesAsync(new EventQuery { Words = ["needle"], Limit = 2 }));
        var from = T0.AddDays(-16);
        var to = T0.AddDays(7).AddMinutes(1);
        Assert.Equal(
            events.Where(e => e.Message.StartsWith("needle", StringComparison.Ordinal) && e.Timestamp >= from && e.Timestamp <= to).Select(e => e.Sequence!.Value).Reverse(),
            await PagesAsync(new EventQuery { Words = ["needle"], From = from, To = to, Limit = 4 }));
    }

    [Fact]
    public async Task Users_CountsOnlyStoredEvents()
    {
        await Store.AppendAsync(new EventBatch(null, [Event(1, instance: "i", level: LogLevel.Error), Event(2, instance: "i")]), CancellationToken.None);
        await Store.AppendAsync(new EventBatch(null, [Event(1, instance: "i", level: LogLevel.Error)]), CancellationToken.None);

        var user = Assert.Single((await Store.GetUsersAsync(new UserQuery { WindowFrom = T0, WindowTo = T0.AddDays(1) }, CancellationToken.None)).Users, u => u.User == "u1");

        Assert.Equal(1, user.Total);
        Assert.Equal(1, user.CountsByLevel[(int)LogLevel.Error]);
    }

    private protected abstract Task<IEventStore> CreateStoreAsync();

    protected abstract Task DeleteStoreAsync();

    private protected static NewEvent Event(long sequence, DateTimeOffset? at = null, string? instance = null, string? message = null, LogLevel level = LogLevel.Information) => new()
    {
        Timestamp = at ?? T0.AddSeconds(sequence),
        Level = level,
        Category = "Test",
        Message = message ?? $"event {sequence}",
        App = "App",
        User = "u" + (sequence % 2),
        Machine = "M",
        Path = "u" + (sequence % 2) + "/M",
        InstanceId = instance,
        Sequence = sequence,
    };

    private async Task<IReadOnlyList<StoredEvent>> QueryAsync(EventQuery query) =>
        (await Store.QueryAsync(query with { Limit = 1000 }, CancellationToken.None)).Events;
}
