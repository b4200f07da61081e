using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: "Copy link" copies the view's address with its preset range pinned to the instants the list shows
/// (<c>from=</c>, <c>to=</c>), as Grafana's share link locks its time range. Support walkthrough: the address bar's
/// <c>range=1h</c> sent to a developer showed another window whenever it was opened. The address bar keeps the preset.
/// </summary>
public sealed class CopyLinkConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Markup = "<b>refund</b> failed";

    [Fact]
    public async Task CopyLink_PresetRange_LinkPinsFromAndTo_ListsTheSameEventsWhenOpenedLater()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, new { timestamp = now.AddHours(-2), level = "Information", message = "two hours ago" });
        await PostAsync(collector, new { timestamp = now.AddMinutes(-10), level = "Error", message = Markup });
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var messages = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=cleo&range=1h");
        await Expect(messages).ToHaveTextAsync([Markup]);
        await messages.First.ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync(Markup);

        // Before: there was no such button, and the address bar's range=1h was the only link.
        await page.Locator("#copy-link").ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Copied a link to these events, pinned from ");
        var link = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
        Assert.Null(query["range"]);
        Assert.Equal("cleo", query["user"]);
        Assert.NotNull(query["event"]);
        var from = DateTimeOffset.Parse(query["from"]!, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(query["to"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(1), to - from); // the hour the list shows: up to the moment it was loaded
        Assert.Contains("range=1h", page.Url, StringComparison.Ordinal); // the address bar keeps the preset

        // Later events (its time after the copy) are not in the link's window; the list it opens is the one copied.
        await PostAsync(collector, new { timestamp = DateTimeOffset.UtcNow.AddSeconds(1), level = "Error", message = "after the copy" });
        var (later, laterPage, laterDialogs) = await chromium.NewPageAsync();
        await using (later)
        {
            await laterPage.GotoAsync(link);
            await Expect(laterPage.Locator("#detail-body .message")).ToHaveTextAsync(Markup);
            await Expect(laterPage.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync([Markup]);
            await Expect(laterPage.Locator("#timeline-from")).Not.ToHaveValueAsync(string.Empty);
            await Expect(laterPage.Locator("#timeline-to")).Not.ToHaveValueAsync(string.Empty);
            await Expect(laterPage.Locator("[data-range][aria-pressed=true]")).ToHaveCountAsync(0);
            Assert.Empty(laterDialogs);
        }

        Assert.Equal(0, await page.Locator("#events-table b, #detail b").CountAsync());
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, object e)
    {
        var body = JsonSerializer.Serialize(new { app = "Shop", events = new[] { e } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/cleo", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
