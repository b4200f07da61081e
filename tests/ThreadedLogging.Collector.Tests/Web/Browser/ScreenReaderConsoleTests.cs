using ThreadedLogging.Collector.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, as a screen reader lists a page's headings: the users list and a timeline had none (only the
/// Alerts view had its h1), and the open event's sections were h3 under no h2, so "jump to heading" found no way to
/// the list or to the event. Each view now has its h1 (the users list's and the timeline's for screen readers only:
/// the crumbs show the same) and the event detail an h2 above its sections.
/// </summary>
public sealed class ScreenReaderConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task EachView_HasItsLevelOneHeading_AndTheEventDetailALevelTwoOne()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/noa", Http.Envelope(null,
            new { level = "Error", message = "<b>payslip</b> not saved", timestamp = now.AddMinutes(-2), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var levelOne = page.GetByRole(AriaRole.Heading, new() { Level = 1 });

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-table tbody tr[data-user=noa]")).ToBeVisibleAsync();
        await Expect(levelOne).ToHaveTextAsync(["Users"]);

        await page.Locator("#users-table a.open-user").ClickAsync();
        await Expect(levelOne).ToHaveTextAsync(["Events of noa"]);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Events of noa" })).ToBeVisibleAsync();
        await page.Locator("#events-table tbody tr td a").First.ClickAsync();
        var levelTwo = page.GetByRole(AriaRole.Heading, new() { Level = 2 });
        await Expect(levelTwo).ToHaveCountAsync(1);
        await Expect(levelTwo).ToContainTextAsync("Error · ");
        // The detail's section headings (h3) follow its h2, within the region "Event detail".
        var order = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#detail h2, #detail h3')].map(h => h.tagName)");
        Assert.Equal("H2", order[0]);
        Assert.Contains("H3", order.Skip(1));

        await page.Locator("#alerts-link").ClickAsync();
        await Expect(levelOne).ToHaveTextAsync(["Alerts"]);
        Assert.Equal(0, await page.Locator("b").CountAsync());
        Assert.Empty(dialogs);
    }
}
