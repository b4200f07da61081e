using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a list the collector refused (a search with an unclosed quote, a range edited in a link) says why
/// above the list, where support looks, not only in the header's status at the far end of the page: the list was an
/// empty table (or faded rows) under a histogram's empty frame.
/// </summary>
public sealed class ListErrorConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_SearchRefused_SaysWhyAboveTheListUntilTheSearchIsFixed()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=tess&q=%22card");
        var error = page.Locator("#events-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToHaveTextAsync("Could not load events: parameter 'q' has a quote that is not closed at position 1 (phrases are \"in quotes\")");
        await Expect(error).ToHaveAttributeAsync("role", "alert");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(0);
        await ChromiumFixture.ScreenshotAsync(page, "72-list-error");

        // The search fixed: the list, and no error.
        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["card declined"]);
        await Expect(error).ToBeHiddenAsync();

        // A range edited in a link: the same place says which value.
        await page.GotoAsync(collector.BaseAddress + "?user=tess&range=99y");
        await Expect(error).ToHaveTextAsync("Could not load events: the link's range '99y' is none of 15m, 1h, 24h, 7d, 30d or all");
        await page.Locator("[data-range=all]").ClickAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(error).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A search the API refuses, typed over a list: the rows of the search before stayed, faded as while loading, under the
    /// refusal, where they read as its answer still coming. They go; the refusal says why. A collector that does not
    /// answer keeps them faded (TimelineConsoleTests): they are still the last answer there is.
    /// </summary>
    [Fact]
    public async Task Timeline_SearchRefusedOverAList_RowsEmptiedNotLeftFaded()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress + "?user=tess");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["card declined"]);
        await page.Locator("#timeline-q").FillAsync("\"card");
        await page.Locator("#timeline-q").PressAsync("Enter");

        await Expect(page.Locator("#events-error")).ToHaveTextAsync("Could not load events: parameter 'q' has a quote that is not closed at position 1 (phrases are \"in quotes\")");
        // Before: the row of the search before stayed, faded (tr.stale).
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#events-empty")).ToBeHiddenAsync();
        await Expect(page.Locator("#events-more")).ToBeHiddenAsync();

        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["card declined"]);
        await Expect(page.Locator("#events-table tbody tr.stale")).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A refused search said its reason in four places: above the list, in the header's status, in the bars' caption and
    /// in the top values. Once now, above the list (the status empty, the bars and top values hidden); the summary's own
    /// failure is still said when the list loaded.
    /// </summary>
    [Fact]
    public async Task Timeline_SearchRefused_ReasonShownOnceAboveTheList()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        // The list's read answered (the summary is asked only once the list loaded: BadSearchValueConsoleTests).
        var listRefused = new TaskCompletionSource();
        page.Response += (_, response) =>
        {
            if (response.Status == 400 && response.Url.Contains("/api/events?", StringComparison.Ordinal))
            {
                listRefused.TrySetResult();
            }
        };

        await page.GotoAsync(collector.BaseAddress + "?user=tess&q=%22card");
        await listRefused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(page.Locator("#events-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-view")).Not.ToHaveAttributeAsync("aria-busy", "true");

        var shown = await page.Locator("body").InnerTextAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(shown, "has a quote that is not closed"));
        await Expect(page.Locator("#status")).ToHaveTextAsync(string.Empty);
        await Expect(page.Locator("#histogram")).ToBeHiddenAsync();
        await Expect(page.Locator("#top-values")).ToBeHiddenAsync();
        await ChromiumFixture.ScreenshotAsync(page, "85-refusal-once");

        // Fixed: the list, its bars and its count in the status again.
        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#histogram")).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("1 event");
        Assert.Empty(dialogs);
    }
}
