using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>What the console says of its counts, and of an open event its own level filter hides.</summary>
public sealed class ConsoleFilterAndCountTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Status_OneUserAndOneEvent_Singular()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/una", Http.Envelope(null,
            new { level = "Information", message = "only one", timestamp = DateTimeOffset.UtcNow, sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        // Before: "1 users", then "1 events".
        await Expect(page.Locator("#status")).ToHaveTextAsync("1 user · counts over the last 7 days");
        await page.Locator("#users-table tbody tr[data-user=una] td.user").ClickAsync();

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToHaveTextAsync("1 event");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_LevelFilterHidesItsRow_StaysOpenWithANoteUntilTheLevelIsShownAgain()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/ivo", Http.Envelope(null,
            new { level = "Debug", message = "the detail being read", timestamp = DateTimeOffset.UtcNow.AddSeconds(-2), sequence = 1 },
            new { level = "Error", message = "an error", timestamp = DateTimeOffset.UtcNow.AddSeconds(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=ivo");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await rows.Filter(new() { HasText = "the detail being read" }).ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("the detail being read");
        await Expect(page.Locator("#detail-body .filtered-out")).ToHaveCountAsync(0);

        await page.Locator("[data-level=Error]").ClickAsync();

        // Before: the detail stayed as it was, its row gone from the list without a word.
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("the detail being read");
        await Expect(page.Locator("#detail-body .filtered-out")).ToHaveTextAsync("Not in the list: its level, Debug, is hidden by the level filter (showing Error, Critical).");

        await page.Locator("[data-level=Debug]").ClickAsync();

        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#detail-body .filtered-out")).ToHaveCountAsync(0);
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("the detail being read");
        Assert.Empty(dialogs);
    }
}
