using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// A search's walk over the days when the newest rows hold too few matches: the rest of a window's matches read from the
/// full-text index (<c>RowsCheckedPerMatch</c> lowered so that a few events reach it) page as the newest-first read does.
/// </summary>
public sealed partial class PostgresEventStoreTests
{
    public static TheoryData<string, int, int> RareSearches => new()
    {
        { "rare", 1, 7 }, { "rare", 2, 7 }, { "rare", 4, 7 }, { "shipped", 3, 16 }, { "shipped invoice", 2, 0 }, { "shipped -order", 2, 0 },
        { "rare OR invoice", 3, 13 }, { "shipped -rare", 5, 14 }, { "order", 100, 16 }, { "old", 3, 12 }, { "old -shipped", 5, 8 },
    };

    [Theory]
    [MemberData(nameof(RareSearches))]
    public async Task Query_SearchRareInTheNewestRows_PagesAsEveryMatchNewestFirst(string q, int limit, int matches)
    {
        // Four days of 12 events; "rare" in a few scattered ones, "shipped" (always with "order") in every third, "invoice"
        // never with "shipped", "old" in every event of the oldest day only (rare in the newest rows, then many a day):
        // every page must be the newest matches after the cursor, whichever read found them.
        var events = new List<NewEvent>();
        for (var day = 0; day < 4; day++)
        {
            for (var i = 0; i < 12; i++)
            {
                var sequence = (day * 12) + i + 1;
                var words = (sequence % 3 == 0 ? "shipped order " : "") + (sequence % 7 == 2 ? "rare " : "") + (sequence % 5 == 1 && sequence % 3 != 0 ? "invoice " : "") + (day == 0 ? "old " : "");
                events.Add(Event(sequence, at: T0.AddDays(day).AddMinutes(i), message: words + "event " + sequence));
            }
        }

        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        Assert.True(SearchTextParser.TryParse(q, out var search, out var error), error);
        var expected = await PageAllAsync(new PostgresEventStore(_dataSource!, TimeProvider.System, NullLogger<PostgresEventStore>.Instance) { RowsCheckedPerMatch = 0 }, search!, limit);
        var walked = await PageAllAsync(new PostgresEventStore(_dataSource!, TimeProvider.System, NullLogger<PostgresEventStore>.Instance) { RowsCheckedPerMatch = 1 }, search!, limit);

        Assert.Equal(matches, expected.Count);
        Assert.Equal(expected.OrderByDescending(s => s), expected); // newest first
        Assert.Equal(expected, walked);
    }

    private static async Task<List<long>> PageAllAsync(PostgresEventStore store, SearchNode search, int limit)
    {
        await using var disposeStore = store;
        var found = new List<long>();
        EventCursor? next = null;
        do
        {
            var page = await store.QueryAsync(new EventQuery { Search = search, Limit = limit, Before = next }, CancellationToken.None);
            Assert.True(page.Events.Count <= limit);
            found.AddRange(page.Events.Select(e => e.Sequence!.Value));
            next = page.Next;
        }
        while (next is not null);

        return found;
    }
}
