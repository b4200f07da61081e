using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a search answered while the full-text index cannot take the newest events (its file locked by
/// another connection, as a full disk fails its writes) says so above the results, with how many, and says nothing once
/// the index has caught up.
/// </summary>
public sealed class SearchBehindConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_SearchWhileTheIndexIsBehind_NoticeSaysHowManyAreNotSearchable_AndGoesOnceCaughtUp()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, new { timestamp = now.AddMinutes(-5), message = "alpha indexed", sequence = 1 }));
        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        var notice = page.Locator("#search-behind");
        var rows = page.Locator("#events-table tbody tr");

        using (var blocker = LockIndex(collector))
        {
            await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null,
                new { timestamp = now.AddMinutes(-3), message = "alpha <b>two</b>", sequence = 2 },
                new { timestamp = now.AddMinutes(-2), message = "alpha three", sequence = 3 },
                new { timestamp = now.AddMinutes(-1), message = "alpha four", sequence = 4 }));

            // The search waits for the index at most 10 s, then answers from what it holds: a bound, not a timing assertion.
            await page.GotoAsync(collector.BaseAddress + "?user=hana&q=alpha");
            await Expect(notice).ToHaveTextAsync(
                "Search is behind: the newest 3 events are not yet searchable, so matches among them are missing here; the events themselves are stored.",
                new() { Timeout = 60_000 });
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(notice.Locator("*")).ToHaveCountAsync(0); // text, not markup
            await ChromiumFixture.ScreenshotAsync(page, "60-search-behind");
        }

        await page.Locator("#timeline-q").FillAsync("alpha four");
        await Expect(rows).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync("alpha four");
        await Expect(notice).ToBeHiddenAsync();
    }

    /// <summary>Another connection's write lock on the index file: the indexer's writes wait, and then fail, until it is disposed.</summary>
    private static SqliteConnection LockIndex(CollectorFixture collector)
    {
        var blocker = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteFtsIndexer.FileName)};Pooling=False");
        blocker.Open();
        using var begin = blocker.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
        return blocker;
    }
}
