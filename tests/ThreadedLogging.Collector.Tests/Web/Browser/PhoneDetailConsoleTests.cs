using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium on a phone (390 px), where the event detail covers the page: what the page says of the detail's
/// own actions is seen. "Copy as JSON" said "Copied the event as JSON" in the header's status line, under the detail, and
/// support saw nothing happen (copied or not).
/// </summary>
public sealed class PhoneDetailConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task CopyAsJson_OnAPhone_TheConfirmationIsNotUnderTheDetail()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/lena", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority) });

        await page.GotoAsync(collector.BaseAddress + "?user=lena");
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("card declined");
        await Expect(page.Locator("#detail-copy")).ToBeEnabledAsync();
        await page.Locator("#detail-copy").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Copied the event as JSON");
        Assert.Contains("card declined", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"), StringComparison.Ordinal);
        await ChromiumFixture.ScreenshotAsync(page, "98-phone-copy-as-json");

        // Before: the point at the line's middle was the detail's (the detail covers the header, z-index 10).
        var seen = await page.EvaluateAsync<bool>(
            "() => { const s = document.getElementById('status'); const r = s.getBoundingClientRect(); " +
            "return r.width > 0 && r.bottom <= innerHeight && s.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }");
        Assert.True(seen, "the status line is under the event detail");
        Assert.Empty(dialogs);
    }
}
