using System.Net;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// First-line support's day in the console, in a real Chromium against the real collector: a user's events paged back,
/// an event opened from an older page and walked with the keyboard, the live tail over a range of the past and after
/// "Latest error".
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

        // Ticking the box reloads the list; its stream opens once the list is answered. The reload's answer is held back
        // (its query already run) while the late arrival is stored: the race CI once lost, made certain.
        var queried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/api/events", async route =>
        {
            var answer = await route.FetchAsync();
            queried.TrySetResult();
            await release.Task;
            await route.FulfillAsync(new() { Response = answer });
        });
        await page.Locator("#live").CheckAsync();
        await queried.Task;
        await PostAsync(collector, "log/karl", Http.Envelope(null,
            new { level = "Error", message = "now, outside the range", timestamp = DateTimeOffset.UtcNow, sequence = 3 },
            new { level = "Error", message = "yesterday, late arrival", timestamp = now.AddDays(-1).AddMinutes(5), sequence = 4 }));
        release.TrySetResult();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        // The reloaded page was queried before the late arrival was stored, and the stream began after it: the list read
        // again as the stream starts brings it, on top, marked new. The event of now is outside the range.
        await Expect(page.Locator("#events-table tbody tr.live-new td.msg")).ToHaveTextAsync("yesterday, late arrival");
        await Expect(page.Locator("#timeline-view")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("td.msg")).ToHaveTextAsync("yesterday, late arrival");
        await Expect(rows.Nth(0)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blive-new\b"));
        await Expect(rows.Nth(1).Locator("td.msg")).ToHaveTextAsync("yesterday's failure");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_EventStoredWhileTheLiveTailsListReloads_ShownOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/lars", Http.Envelope(null, new { level = "Information", message = "before", timestamp = now.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=lars");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);

        // The reload's request is held before it reaches the collector: its page will hold the live event too.
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/api/events", async route =>
        {
            asked.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        await page.Locator("#live").CheckAsync();
        await asked.Task;
        await PostAsync(collector, "log/lars", Http.Envelope(null, new { level = "Warning", message = "during the reload", timestamp = DateTimeOffset.UtcNow, sequence = 2 }));
        release.TrySetResult();

        // In the reloaded page, and again in the list read as the stream starts: one row.
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await Expect(page.Locator("#timeline-view")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["during the reload", "before"]);
        await Expect(page.Locator("#status")).ToHaveTextAsync("2 events");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_LatestErrorWhileLive_LiveShownOffAndOnAgainWhenTicked()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/lena", Http.Envelope(null,
            new { level = "Error", message = "the failure", timestamp = now.AddMinutes(-2), sequence = 1 },
            new { level = "Information", message = "after it", timestamp = now.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=lena&live=1");
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        await page.Locator("#latest-error").ClickAsync();

        // The list shows events up to the error: no stream, and the box does not claim one.
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToHaveTextAsync("the failure");
        await Expect(page.Locator("#live")).Not.ToBeCheckedAsync();
        await Expect(page.Locator("#live-pause")).ToBeHiddenAsync();
        Assert.DoesNotContain("live=1", page.Url, StringComparison.Ordinal);

        await page.Locator("#live").CheckAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await PostAsync(collector, "log/lena", Http.Envelope(null, new { level = "Warning", message = "new one", timestamp = DateTimeOffset.UtcNow, sequence = 3 }));
        await Expect(page.Locator("#events-table tbody tr.live-new td.msg")).ToHaveTextAsync("new one");
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string path, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, path, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
