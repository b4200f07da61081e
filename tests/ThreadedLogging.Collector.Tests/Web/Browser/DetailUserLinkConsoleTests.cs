using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: an open event's user is a link to that user's timeline, with the event still open (on a trace's
/// or everyone's timeline "what else did this user do" had no way there but the top values); an event without a user
/// links to the events without one.
/// </summary>
public sealed class DetailUserLinkConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task EventDetail_UserLink_OpensThatUsersTimelineWithTheEventOpen()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/alice", new { app = "Web", user = "alice", events = new object[] { new { timestamp = now.AddMinutes(-3), message = "checkout started", traceId = Trace } } });
        await PostAsync(collector, "log/bob", new
        {
            app = "Billing",
            user = "bob",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-5), message = "bob signed in" },
                new { timestamp = now.AddMinutes(-2), level = "Error", message = "card declined", traceId = Trace },
                new { timestamp = now.AddMinutes(-1), message = "bob signed out" },
            },
        });
        await PostAsync(collector, "log/", new { app = "Cron", events = new object[] { new { timestamp = now.AddMinutes(-4), message = "nightly job ran", traceId = Trace } } });
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?trace=" + Trace);
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await rows.Filter(new() { HasText = "card declined" }).ClickAsync();
        var link = page.Locator("#detail-body a.user-link");
        await Expect(link).ToHaveTextAsync("bob");
        await link.ClickAsync();

        await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync("bob");
        Assert.Contains("user=bob", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("trace=", page.Url, StringComparison.Ordinal);
        // Listed up to the open event (as the users list's latest error opens it), the event selected and still open.
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["card declined", "bob signed in"]);
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToHaveTextAsync("card declined");
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("card declined");
        await ChromiumFixture.ScreenshotAsync(page, "71-detail-user-link");

        // Back returns to the trace; the event without a user links to the events without one.
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await rows.Filter(new() { HasText = "nightly job ran" }).ClickAsync();
        await Expect(link).ToHaveTextAsync("(no user)");
        await link.ClickAsync();
        await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync("(no user)");
        Assert.Contains("nouser=1", page.Url, StringComparison.Ordinal);
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["nightly job ran"]);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string url, object body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(JsonSerializer.Serialize(body)), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
