using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: an event's trace id opens every event of that trace, across users and apps (a link, kept in the
/// URL), and the users list's "(no user)" row opens the events without a user.
/// </summary>
public sealed class TraceConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task EventDetail_TraceIdLink_ShowsTheWholeTraceAcrossUsersAndBackReturns()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/alice", JsonSerializer.Serialize(new
        {
            app = "Web",
            user = "alice",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-3), message = "checkout started", traceId = Trace },
                new { timestamp = now.AddMinutes(-2), message = "alice browses", traceId = "0af7651916cd43dd8448eb211c80319c" },
            },
        }));
        await PostAsync(collector, "log/billing-svc", JsonSerializer.Serialize(new
        {
            app = "Billing",
            user = "billing-svc",
            events = new object[] { new { timestamp = now.AddMinutes(-1), level = "Error", message = "card declined", traceId = Trace } },
        }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await page.Locator("#events-table tbody tr", new() { HasText = "checkout started" }).ClickAsync();
        var link = page.Locator("#detail-body a.trace-link");
        await Expect(link).ToHaveTextAsync(Trace);
        await link.ClickAsync();

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["card declined", "checkout started"]);
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["billing-svc", "alice"]);
        await Expect(page.Locator("#events-table th.col-user")).ToBeVisibleAsync();
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("trace " + Trace);
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToHaveTextAsync("checkout started");
        Assert.Contains("trace=" + Trace, page.Url, StringComparison.Ordinal);
        StringAssert(await page.Locator("#download-ndjson").GetAttributeAsync("href"), "traceId=" + Trace);
        await ChromiumFixture.ScreenshotAsync(page, "30-trace");

        // The link is a permalink: a new page at that URL shows the same trace.
        var permalink = page.Url;
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["alice browses", "checkout started"]);
        await Expect(page.Locator("#events-table th.col-user")).ToBeHiddenAsync();
        await page.GotoAsync(permalink);
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["card declined", "checkout started"]);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task UsersList_NoUserRow_OpensTheEventsWithoutAUser()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        // No user anywhere (no field, a path without one), a user named as the row's label, and a user of an empty name.
        await PostAsync(collector, "log/", JsonSerializer.Serialize(new { app = "Cron", events = new object[] { new { timestamp = now.AddMinutes(-3), message = "nightly job ran" } } }));
        await PostAsync(collector, "log/x", JsonSerializer.Serialize(new { user = "(no user)", events = new object[] { new { timestamp = now.AddMinutes(-2), message = "a user with an odd name" } } }));
        await PostAsync(collector, "log/", JsonSerializer.Serialize(new { user = string.Empty, events = new object[] { new { timestamp = now.AddMinutes(-1), message = "empty user name" } } }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var noUser = page.Locator("#users-table tbody tr[data-nouser]");
        await Expect(noUser).ToHaveCountAsync(1);
        await Expect(noUser.Locator("td.user")).ToHaveTextAsync("(no user)");
        await noUser.Locator("td.user").ClickAsync();

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["empty user name", "nightly job ran"]);
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("(no user)");
        Assert.Contains("nouser=1", page.Url, StringComparison.Ordinal);
        await ChromiumFixture.ScreenshotAsync(page, "31-no-user");

        // The user whose name is the row's label is a user like any other.
        await page.Locator("#crumbs a").ClickAsync();
        await page.Locator("#users-table tbody tr[data-user='(no user)']").ClickAsync();
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["a user with an odd name"]);
        Assert.Empty(dialogs);
    }

    private static void StringAssert(string? actual, string expected) => Assert.Contains(expected, actual ?? string.Empty, StringComparison.Ordinal);

    private static async Task PostAsync(CollectorFixture collector, string url, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, url, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
