using System.Net;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// First-line support's day in the console, in a real Chromium against the real collector: a user's events paged back,
/// an event opened from an older page and walked with the keyboard, the live tail over a range of the past.
/// </summary>
public sealed class SupportWorkflowTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_EventOpenedFromAnOlderPage_ListKeptAndTheRowSelected()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        // 250 events: the list's first page (200) and part of the next.
        await PostAsync(collector, "log/jana", Http.Envelope(null, [.. Enumerable.Range(0, 250).Select(i =>
            new { level = "Information", message = $"step {i:000}", timestamp = now.AddSeconds(i - 300), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=jana");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(200);
        await page.Locator("#events-more").ClickAsync();
        await Expect(rows).ToHaveCountAsync(250);

        // The 231st row, "step 019", from the older page.
        await rows.Nth(230).ClickAsync();

        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("step 019");
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToHaveTextAsync("step 019");
        await Expect(rows).ToHaveCountAsync(250);

        // j walks on to the older one, still in the list.
        await page.Locator("body").FocusAsync();
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("step 018");
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToHaveTextAsync("step 018");
        await Expect(rows).ToHaveCountAsync(250);

        // Back (j replaced the entry the click made): the detail closes, the list stays as paged.
        await page.GoBackAsync();
        await Expect(page.Locator("#detail")).ToBeHiddenAsync();
        Assert.DoesNotContain("event=", page.Url, StringComparison.Ordinal);
        await Expect(rows).ToHaveCountAsync(250);
        await Expect(rows.Nth(249).Locator("td.msg")).ToHaveTextAsync("step 000");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_LiveTailOverARangeOfThePast_NewEventsOutsideTheRangeNotShown()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/karl", Http.Envelope(null,
            new { level = "Error", message = "yesterday's failure", timestamp = now.AddDays(-1), sequence = 1 },
            new { level = "Information", message = "today", timestamp = now.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var from = Uri.EscapeDataString(now.AddDays(-1).AddHours(-1).ToString("O"));
        var to = Uri.EscapeDataString(now.AddDays(-1).AddHours(1).ToString("O"));
        await page.GotoAsync(collector.BaseAddress + $"?user=karl&from={from}&to={to}");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);

        await page.Locator("#live").CheckAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await PostAsync(collector, "log/karl", Http.Envelope(null,
            new { level = "Error", message = "now, outside the range", timestamp = DateTimeOffset.UtcNow, sequence = 3 },
            new { level = "Error", message = "yesterday, late arrival", timestamp = now.AddDays(-1).AddMinutes(5), sequence = 4 }));

        // The late arrival is in the range and comes through the stream; the event of now is not.
        await Expect(page.Locator("#events-table tbody tr.live-new td.msg")).ToHaveTextAsync("yesterday, late arrival");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string path, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, path, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
