using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium at 1280 px: with From and To holding times (each box as wide as its time), the timeline's Search
/// box was squeezed until its placeholder was cut ("words, "a phrase", pre"); it keeps room for it, the toolbar wrapping.
/// </summary>
public sealed class TimelineToolbarConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_At1280PxFromAndToSet_SearchPlaceholderWhole()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/noa", Http.Envelope(null, new { level = "Information", message = "Paid", timestamp = now.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;
        var from = Uri.EscapeDataString(now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(now.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));

        await page.GotoAsync(collector.BaseAddress + $"?user=noa&from={from}&to={to}");

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline-from")).Not.ToHaveValueAsync(string.Empty);
        await Expect(page.Locator("#timeline-to")).Not.ToHaveValueAsync(string.Empty);
        Assert.Empty(await page.EvaluateAsync<string[]>(NarrowWidthConsoleTests.CutPlaceholders));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the timeline is wider than 1280 px");
        await ChromiumFixture.ScreenshotAsync(page, "84-timeline-1280px-from-to");
        Assert.Empty(dialogs);
    }
}
