using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The live view keeps at most 500 rows (timeline.js MaxRows): rows it takes off the bottom are brought back by "Older
/// events", and more than 500 that came while paused reload the list when resumed, so the list never has a gap.
/// </summary>
public sealed class LiveTailPagingTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task OlderEvents_AfterTheLiveTailTookRowsOffTheBottom_BringsThemBackWithNoGap()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/quinn", Http.Envelope(null, [.. Enumerable.Range(0, 250).Select(i =>
            new { level = "Information", message = "old " + i, timestamp = now.AddHours(-1).AddSeconds(i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=quinn&live=1");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(200); // old 249 .. old 50; "Older events" would go on at old 49
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        // 400 new events: on top, the view keeps 500 rows, so old 149 .. old 50 go.
        await Http.PostStoredAsync(collector.Client, "log/quinn", Http.Envelope(null, [.. Enumerable.Range(0, 400).Select(i =>
            new { level = "Information", message = "live " + i, timestamp = now.AddSeconds(i - 400), sequence = 1000 + i })]));
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("live 399"); // the last one the stream sends
        await Expect(rows).ToHaveCountAsync(500);
        await Expect(rows.Last.Locator("td.msg")).ToHaveTextAsync("old 150");

        // Before: the next page began at old 49, and old 149 .. old 50 were nowhere (550 rows, the button gone).
        await page.Locator("#events-more").ClickAsync();
        await Expect(rows).ToHaveCountAsync(650);
        await Expect(page.Locator("#events-more")).ToBeHiddenAsync();
        var messages = await rows.Locator("td.msg").AllTextContentsAsync();
        Assert.Equal([.. Enumerable.Range(0, 400).Select(i => "live " + (399 - i)), .. Enumerable.Range(0, 250).Select(i => "old " + (249 - i))], messages);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Resume_AfterMoreArrivedWhilePausedThanTheViewKeeps_ListReloadedWithNoGap()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/rita", Http.Envelope(null, [.. Enumerable.Range(0, 10).Select(i =>
            new { level = "Information", message = "old " + i, timestamp = now.AddHours(-1).AddSeconds(i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=rita&live=1");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(10);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await page.Locator("#live-pause").ClickAsync();
        await Expect(page.Locator("#live-pause")).ToHaveTextAsync("Resume");

        await Http.PostStoredAsync(collector.Client, "log/rita", Http.Envelope(null, [.. Enumerable.Range(0, 600).Select(i =>
            new { level = "Information", message = "live " + i, timestamp = now.AddSeconds(i - 600), sequence = 1000 + i })]));
        // Every one received (the count says so); more than the view keeps.
        await Expect(page.Locator("#live-pause")).ToHaveTextAsync("Resume (600 new: reloads the list)");
        await page.Locator("#live-pause").ClickAsync();

        // Before: the newest 500 went on top of the 10 old rows, and live 0 .. live 99 were nowhere, not even by "Older events".
        await Expect(rows).ToHaveCountAsync(200);
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("live 599");
        foreach (var count in new[] { 400, 600, 610 })
        {
            await page.Locator("#events-more").ClickAsync();
            await Expect(rows).ToHaveCountAsync(count);
        }

        await Expect(page.Locator("#events-more")).ToBeHiddenAsync();
        var messages = await rows.Locator("td.msg").AllTextContentsAsync();
        Assert.Equal([.. Enumerable.Range(0, 600).Select(i => "live " + (599 - i)), .. Enumerable.Range(0, 10).Select(i => "old " + (9 - i))], messages);
        Assert.Empty(dialogs);
    }
}
