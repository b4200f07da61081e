using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: every table of the console has a caption, which a screen reader reads as the table's name
/// ("Users", "Events", "Properties"), visually hidden where a heading already says it. None had one: a screen reader
/// said "table, 12 columns" for each.
/// </summary>
public sealed class TableCaptionConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Uncaptioned = "() => [...document.querySelectorAll('table')].filter(t => !t.caption || !t.caption.textContent.trim()).map(t => t.id || t.className)";

    [Fact]
    public async Task EveryTable_HasACaption_ReadAsItsName()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/ann", Http.Envelope(null,
            new { level = "Information", message = "started", timestamp = DateTimeOffset.UtcNow.AddMinutes(-2), sequence = 1 },
            new { level = "Error", message = "failed", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 2, properties = new { OrderId = 7 } }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Table, new() { Name = "Users", Exact = false })).ToHaveCountAsync(1);
        await Expect(page.Locator("#users-table caption")).ToHaveClassAsync("visually-hidden");

        await page.GotoAsync(collector.BaseAddress + "?user=ann");
        await page.Locator("#events-table tbody tr", new() { HasText = "failed" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();
        await Expect(page.Locator("#detail .context-list tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#detail table.props caption")).ToHaveTextAsync("Properties");
        Assert.Empty(await page.EvaluateAsync<string[]>(Uncaptioned));

        await page.GotoAsync(collector.BaseAddress + "?alerts=1");
        await Expect(page.Locator("#alerts-view")).ToBeVisibleAsync();
        Assert.Empty(await page.EvaluateAsync<string[]>(Uncaptioned));
        Assert.Empty(dialogs);
    }
}
