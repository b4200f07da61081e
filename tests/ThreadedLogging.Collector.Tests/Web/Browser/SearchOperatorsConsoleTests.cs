using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the search boxes show <c>q</c>'s operators under them, a search with them lists what they mean,
/// and a malformed one says why (the console highlights no words, so there is no highlight to keep off excluded ones).
/// </summary>
public sealed class SearchOperatorsConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task SearchBoxes_HintShown_OperatorsFindWhatTheyMean_OnlyExclusionsSaysWhy()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, now.AddMinutes(-3), "timeout connecting to bank");
        await PostAsync(collector, now.AddMinutes(-2), "timeout, retry 1 of 3");
        await PostAsync(collector, now.AddMinutes(-1), "connection refused by bank");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#everyone-q-hint")).ToBeVisibleAsync();
        await Expect(page.Locator("#everyone-q-hint")).ToHaveTextAsync("OR · -word · NOT · ( )");
        await Expect(page.Locator("#everyone-q-hint")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"\(a OR b\) -c"));
        await Expect(page.Locator("#everyone-q")).ToHaveAttributeAsync("aria-describedby", "everyone-q-hint");
        await page.Locator("#everyone-q").FillAsync("(timeout OR refused) -retry");
        await page.Locator("#everyone-q").PressAsync("Enter");

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["connection refused by bank", "timeout connecting to bank"]);
        await Expect(page.Locator("#timeline-q-hint")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-q-hint")).ToHaveTextAsync("OR · -word · NOT · ( )");
        await ChromiumFixture.ScreenshotAsync(page, "73-search-operators");

        await page.Locator("#timeline-q").FillAsync("-retry");
        await Expect(page.Locator("#events-error")).ToContainTextAsync("only excludes (NOT, -)");
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, DateTimeOffset at, string message)
    {
        var body = JsonSerializer.Serialize(new { app = "Shop", machine = "PC", user = "alice", events = new object[] { new { timestamp = at, level = "Error", message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
