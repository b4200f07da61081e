using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: "Copy as JSON" is disabled while the event opened is still being read. It was enabled as soon as
/// the detail opened, and a click before the event came (a slow collector; Playwright under load) did nothing and said
/// nothing: LiveTailCountConsoleTests waited 60 s for "Copied the event as JSON".
/// </summary>
public sealed class DetailCopyWhileLoadingConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task CopyAsJson_WhileTheEventIsRead_IsDisabled_ThenCopiesIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/lena", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority) });
        // The event's own read is held until released: the collector slow to answer it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => Regex.IsMatch(new Uri(url).AbsolutePath, "^/api/events/[0-9]+$"), async route =>
        {
            await release.Task;
            try
            {
                await route.ContinueAsync();
            }
            catch (PlaywrightException)
            {
                // The request was aborted while held: nothing to continue.
            }
        });
        var rows = page.Locator("#events-table tbody tr");
        var copy = page.Locator("#detail-copy");

        await page.GotoAsync(collector.BaseAddress + "?user=lena");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.First.ClickAsync();
        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        // Before: enabled here, and a click now was dropped (no event yet to copy).
        await Expect(copy).ToBeDisabledAsync();

        release.SetResult();
        await copy.ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Copied the event as JSON");
        Assert.Contains("card declined", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Empty(dialogs);
    }
}
