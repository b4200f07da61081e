using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium on a phone (390×844), where the event detail covers the page and its toolbar: the detail has its
/// own "Copy link", to the event it shows, and the link opens that event. The toolbar's "Copy link" was the only one,
/// under the detail, and a support person looking at an event on a phone had no way to send it.
/// </summary>
public sealed class DetailCopyLinkConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string User = "<img src=x onerror=alert(1)>";

    private const string Message = "card <b>declined</b> for order 7";

    [Fact]
    public async Task DetailCopyLink_OnAPhone_CopiesALinkThatOpensTheEvent()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), Http.Envelope(null,
            new { level = "Information", message = "signed in", timestamp = now.AddMinutes(-5), sequence = 1 },
            new { level = "Error", message = Message, timestamp = now.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority) });

        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User) + "&range=24h");
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync(Message);

        // Before: no such button; the toolbar's was under the detail.
        var button = page.Locator("#detail-link");
        await Expect(button).ToBeInViewportAsync();
        await button.ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Copied a link to this event");
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const s = document.getElementById('status'); const r = s.getBoundingClientRect(); " +
            "return r.width > 0 && r.bottom <= innerHeight && s.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"),
            "the confirmation is under the event detail");
        await ChromiumFixture.ScreenshotAsync(page, "99-phone-detail-copy-link");
        var link = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
        Assert.Equal(User, query["user"]);
        Assert.NotNull(query["event"]);
        Assert.Null(query["range"]); // pinned, as the toolbar's link is
        Assert.NotNull(query["to"]);

        // The link opens the event, on another phone.
        var (other, otherPage, otherDialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using (other)
        {
            await otherPage.GotoAsync(link);
            await Expect(otherPage.Locator("#detail-body .message")).ToHaveTextAsync(Message);
            await Expect(otherPage.Locator("#detail-body a.user-link")).ToHaveTextAsync(User);
            Assert.Equal(0, await otherPage.Locator("img, b").CountAsync());
            Assert.Empty(otherDialogs);
        }

        Assert.Equal(0, await page.Locator("img, b").CountAsync());
        Assert.Empty(dialogs);
    }
}
