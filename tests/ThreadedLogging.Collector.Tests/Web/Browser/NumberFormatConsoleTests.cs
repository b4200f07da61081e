using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium with the en-US and de-DE locales: every count is shown in the browser's locale ("1,234", "1.234"):
/// the chart's caption read "1234 events", a top value "1234", the users list "1234".
/// </summary>
public sealed class NumberFormatConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const int Events = 1234;

    [Theory]
    [InlineData("en-US", "1,234")]
    [InlineData("de-DE", "1.234")]
    public async Task Counts_OverAThousand_ShownWithTheBrowsersThousandsSeparator(string locale, string shown)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/noa", Http.Envelope(null, [.. Enumerable.Range(1, Events).Select(i =>
            new { level = "Information", message = "Paid order " + i, timestamp = now.AddSeconds(-600 + (i * 0.1)), sequence = i })]));
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);

        await page.GotoAsync(collector.BaseAddress.ToString());
        var row = page.Locator("#users-table tbody tr[data-user=noa]");
        await Expect(row.Locator("td.num", new() { HasText = shown })).ToHaveCountAsync(1);

        await page.GotoAsync(collector.BaseAddress + "?user=noa&range=1h");
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync(shown + " events ·");
        var machines = page.Locator("#top-values [role=group][aria-label='Machines'] .count");
        await Expect(machines).ToHaveTextAsync([shown]);
        await Expect(page.Locator("#top-values .count", new() { HasText = Events.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }
}
