using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The status line's count of the list follows the rows the live tail adds (as the bars' caption does), and only while
/// it says that count: another line (a copied event's) is left as it is.
/// </summary>
public sealed class LiveTailCountConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task LiveTail_EventsArrive_StatusCountsTheRowsShown()
    {
        await using var live = await LiveTailPage.OpenAsync(chromium);
        var (page, rows, now) = (live.Page, live.Rows, live.Now);
        await Expect(page.Locator("#status")).ToHaveTextAsync("2 events");

        await live.PostAsync(
            new { level = "Error", message = "live 1", timestamp = now.AddSeconds(-2), sequence = 3 },
            new { level = "Error", message = "live 2", timestamp = now.AddSeconds(-1), sequence = 4 });
        await Expect(rows).ToHaveCountAsync(4);
        // Before: "2 events" above the 4 rows (and the bars' "4 events"), until the list was loaded again.
        await Expect(page.Locator("#status")).ToHaveTextAsync("4 events");

        // Paused, the rows wait; resumed, they are shown and counted.
        await page.Locator("#live-pause").ClickAsync();
        await live.PostAsync(new { level = "Information", message = "while paused", timestamp = now, sequence = 5 });
        await Expect(page.Locator("#live-pause")).ToHaveTextAsync("Resume (1 new)");
        await Expect(page.Locator("#status")).ToHaveTextAsync("4 events");
        await page.Locator("#live-pause").ClickAsync();
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(page.Locator("#status")).ToHaveTextAsync("5 events");

        // A line that is not the count stays: the copied event's.
        await live.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = live.Collector.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await rows.First.ClickAsync();
        // The event shown first: "Copy as JSON" clicked while it was still being read did nothing (a 60 s wait under load).
        await Expect(page.Locator("#detail-body")).ToContainTextAsync("while paused");
        await page.Locator("#detail-copy").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Copied the event as JSON");
        await live.PostAsync(new { level = "Information", message = "after the copy", timestamp = now.AddSeconds(1), sequence = 6 });
        await Expect(rows).ToHaveCountAsync(6);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Copied the event as JSON");
        Assert.Empty(live.Dialogs);
    }
}
