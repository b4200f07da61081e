using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// A preset range ("1 h") or a users window counts back from the moment the list loads; the next page goes on in that
/// same range, however long support read the first one. The page's clock is Playwright's (installed, then moved on by
/// hand): no waiting for real time to pass.
/// </summary>
public sealed class PresetRangePagingTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task OlderEvents_AfterReadingThePresetRangeForHalfAnHour_GoOnInTheRangeTheListWasLoadedIn()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        // 300 events over the last 50 minutes: all within "1 h"; the first page holds the newest 200 (back to 33 min ago).
        await Http.PostStoredAsync(collector.Client, "log/pia", Http.Envelope(null, [.. Enumerable.Range(0, 300).Select(i =>
            new { level = "Information", message = "step " + i, timestamp = now.AddSeconds(-10 * i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.Clock.InstallAsync();
        await page.GotoAsync(collector.BaseAddress + "?user=pia&range=1h");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(200);
        await Expect(page.Locator("#status")).ToHaveTextAsync("The newest 200 events shown, older below"); // beside the bars' "300 events": not "200+"
        var csv = await page.Locator("#download-csv").GetAttributeAsync("href");

        // Half an hour later on the page's clock (the list is what it was: nothing reloads it).
        await page.Clock.FastForwardAsync("30:00");
        await page.Locator("#events-more").ClickAsync();

        // Counted again from the later now, "1 h" began 30 min ago: no older event, "200 events", the button gone.
        await Expect(page.Locator("#status")).ToHaveTextAsync("300 events");
        await Expect(rows).ToHaveCountAsync(300);
        await Expect(page.Locator("#events-more")).ToBeHiddenAsync();
        Assert.Equal("step 299", await rows.Last.Locator("td.msg").TextContentAsync());
        // The download is still the list's own range: it holds the same 300 events.
        Assert.Equal(csv, await page.Locator("#download-csv").GetAttributeAsync("href"));
        var download = await page.EvaluateAsync<string>("async () => (await fetch(document.getElementById('download-csv').href)).text()");
        Assert.Equal(301, download.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // the header and 300 rows
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task MoreUsers_AfterReadingTheListForHalfAnHour_CountsOverTheWindowTheListWasLoadedIn()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        // 60 users, each with one event 40 to 50 minutes ago: all within the "1 hour" window; a page holds 50.
        await Http.PostStoredAsync(collector.Client, "log/many", Http.Envelope(null, [.. Enumerable.Range(0, 60).Select(i =>
            new { level = "Information", message = "hello " + i, timestamp = now.AddMinutes(-40).AddSeconds(-i), user = $"user{i:00}", sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.Clock.InstallAsync();
        await page.GotoAsync(collector.BaseAddress + "?window=1h");
        var users = page.Locator("#users-table tbody tr");
        await Expect(users).ToHaveCountAsync(50);

        await page.Clock.FastForwardAsync("30:00");
        await page.Locator("#users-more").ClickAsync();

        await Expect(users).ToHaveCountAsync(60);
        // Each user's Information count and machine within the window: over a window counted from the later now
        // (the last 30 minutes), the ten users of the second page showed none.
        var information = await page.Locator("#users-table tbody tr td:nth-child(7)").AllTextContentsAsync();
        Assert.All(information, n => Assert.Equal("1", n));
        var machines = await page.Locator("#users-table tbody tr td:nth-child(3)").AllTextContentsAsync();
        Assert.All(machines, m => Assert.Equal("PC-042", m));
        Assert.Empty(dialogs);
    }
}
