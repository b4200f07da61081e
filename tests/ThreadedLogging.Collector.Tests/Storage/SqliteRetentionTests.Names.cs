using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention and the tables of names: the templates and categories that only removed events had go with them.</summary>
public sealed partial class SqliteRetentionTests
{
    /// <summary>
    /// Each event its own template and category (Serilog's <c>$"…"</c> interpolation, Python's f-strings): the size cap
    /// removed every event and the store stayed over it, the templates never deleted (review16: 32,000 kept 66 MB). Numbered
    /// in order, so that each chunk empties whole pages of the names' unique index (which is in text order).
    /// </summary>
    [Fact]
    public async Task Run_OverMaxBytes_EachEventItsOwnTemplate_TemplatesGoWithTheirEvents_StoreUnderTheCap()
    {
        using var data = new TempDirectory();
        const long cap = 3 * 1024 * 1024; // some 2,000 of the 10,000 events (~10 MB, two thirds of it templates)
        await using var store = Open(data.Path, crashAfterEventsChunk: false, maxBytes: cap);
        await store.InitializeAsync(CancellationToken.None);
        var filler = new string('t', 300);
        for (var b = 0; b < 10; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 1000, 1000).Select(i => Named(Event(i, T0.AddSeconds(i), $"order {i}"), $"Order {i:D5} {filler} {{Customer}}", $"Orders.Batch{i:D5}"))]), CancellationToken.None);
        }

        await store.WaitForFullTextAsync(CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxBytes = cap }, T0.AddDays(1), CancellationToken.None);

        var left = (await store.QueryAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None)).Events;
        Assert.InRange(left.Count, 1, 9_999); // before: 0 left, the store still over the cap
        Assert.Equal(10_000 - left.Count, result.BySize);
        Assert.InRange(UsedBytes(store.DatabasePath) + UsedBytes(store.FullTextPath), 0, cap);
        Assert.Equal(left.Select(e => e.Template!).Order(StringComparer.Ordinal), SqliteErasureTests.Names(store.DatabasePath, "SELECT name FROM templates").Order(StringComparer.Ordinal));
        Assert.Equal(left.Select(e => e.Category!).Order(StringComparer.Ordinal), SqliteErasureTests.Names(store.DatabasePath, "SELECT name FROM categories").Order(StringComparer.Ordinal));
        Assert.All(left, e => Assert.Equal($"Order {e.Sequence:D5} {filler} {{Customer}}", e.Template));
    }

    /// <summary>
    /// Retention by age removes the events of two templates: the one no event has any more goes, the one a kept event has
    /// stays; then an event with the gone template's text (its key in the writer's memory before the prune) is stored under
    /// a new key and read back with its text.
    /// </summary>
    [Fact]
    public async Task Run_ByAge_UnusedTemplateAndCategoryGo_SharedOnesStay_TextStoredAgainReadsBack()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(
            new EventBatch(null, [
                Named(Event(0, T0, "gone 1"), "Gone {N}", "Gone.Category"),
                Named(Event(1, T0.AddSeconds(1), "shared 1"), "Shared {N}", "Shared.Category"),
                Named(Event(2, T0.AddDays(10), "shared 2"), "Shared {N}", "Shared.Category"),
                Named(Event(3, T0.AddDays(10).AddSeconds(1), "newest 3"), "Newest {N}", "Newest.Category"),
            ]),
            CancellationToken.None);

        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxAge = TimeSpan.FromDays(5) }, T0.AddDays(10), CancellationToken.None);
        var templatesAfterPrune = SqliteErasureTests.Names(store.DatabasePath, "SELECT name FROM templates ORDER BY id");
        var categoriesAfterPrune = SqliteErasureTests.Names(store.DatabasePath, "SELECT name FROM categories ORDER BY id");
        await store.AppendAsync(new EventBatch(null, [Named(Event(4, T0.AddDays(10).AddSeconds(2), "gone 4"), "Gone {N}", "Gone.Category")]), CancellationToken.None);

        Assert.Equal(2, result.ByAge);
        Assert.Equal(["Shared {N}", "Newest {N}"], templatesAfterPrune);
        Assert.Equal(["Shared.Category", "Newest.Category"], categoriesAfterPrune);
        var events = (await store.QueryAsync(new EventQuery(), CancellationToken.None)).Events.OrderBy(e => e.Sequence).ToList();
        Assert.Equal(
            [(2L, "Shared {N}", "Shared.Category"), (3L, "Newest {N}", "Newest.Category"), (4L, "Gone {N}", "Gone.Category")],
            events.Select(e => (e.Sequence!.Value, e.Template, e.Category)));
        Assert.Equal(4L, Assert.Single((await store.QueryAsync(new EventQuery { Template = "Gone {N}" }, CancellationToken.None)).Events).Sequence);
    }

    /// <summary><paramref name="e"/> with a template and a category.</summary>
    internal static NewEvent Named(NewEvent e, string template, string category) => new()
    {
        Timestamp = e.Timestamp,
        Level = e.Level,
        Message = e.Message,
        Template = template,
        Category = category,
        User = e.User,
        Machine = e.Machine,
        Path = e.Path,
        Sequence = e.Sequence,
    };
}
