using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the users page searches every user's events at once ("which users hit this error?"), a timeline
/// like a user's (levels, range, search, live tail, download) whose rows say whose each event is.
/// </summary>
public sealed class EveryoneConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>
    /// An error of weeks ago: everyone's search looks at the users list's window (7 days), found nothing and said "No
    /// events from anyone matching … in this time range.", which support read as "there is none". It now names the range
    /// and offers one click to look at any time, the search kept.
    /// </summary>
    [Fact]
    public async Task UsersPage_SearchEveryone_NothingInTheWindow_SaysSo_OneClickLooksAtAnyTime()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "dave", DateTimeOffset.UtcNow.AddDays(-10), "Error", "\"can't open\" C:\\payslips\\dora.pdf");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        await page.Locator("#everyone-q").FillAsync("\"can't open\"");
        await page.Locator("#everyone-q").PressAsync("Enter");

        var empty = page.Locator("#events-empty");
        await Expect(empty).ToHaveTextAsync("No events from anyone matching “\"can't open\"” in the last 7 days. Look at any time");
        await empty.GetByRole(AriaRole.Button, new() { Name = "Look at any time" }).ClickAsync();

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["\"can't open\" C:\\payslips\\dora.pdf"]);
        await Expect(page.Locator("[data-range='all']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#timeline-q")).ToHaveValueAsync("\"can't open\"");
        await Expect(empty).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task UsersPage_SearchEveryone_ListsEveryUsersMatchesOfTheLast7Days_AllWidensIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "alice", now.AddMinutes(-10), "Error", "payment declined by bank");
        await PostAsync(collector, "bob", now.AddMinutes(-5), "Error", "payment declined: card expired");
        await PostAsync(collector, "carol", now.AddMinutes(-3), "Information", "login <img src=x onerror=alert(1)> ok");
        await PostAsync(collector, "dave", now.AddDays(-10), "Error", "payment declined twice");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        await page.Locator("#everyone-q").FillAsync("payment declined");
        await page.Locator("#everyone-q").PressAsync("Enter");

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["payment declined: card expired", "payment declined by bank"]);
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "alice"]);
        await Expect(page.Locator("#events-table th.col-user")).ToBeVisibleAsync();
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("everyone");
        await Expect(page.Locator("[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Contains("all=1", page.Url, StringComparison.Ordinal);
        var download = await page.Locator("#download-ndjson").GetAttributeAsync("href") ?? string.Empty;
        Assert.Contains("q=payment+declined", download, StringComparison.Ordinal);
        Assert.DoesNotContain("user", download, StringComparison.Ordinal);
        await ChromiumFixture.ScreenshotAsync(page, "34-everyone-search");

        await page.Locator("[data-range='all']").ClickAsync();
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "alice", "dave"]);

        // A search that finds nothing says so about everyone, not about a user named "everyone".
        await page.Locator("#timeline-q").FillAsync("refund");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-empty")).ToHaveTextAsync("No events from anyone matching “refund”, at any time.");

        // An empty search lists every event of the last 7 days; a message is text, never markup.
        await page.Locator("#crumbs a").ClickAsync();
        await page.Locator("#everyone-q").FillAsync(string.Empty);
        await page.Locator("#everyone-form button[type=submit]").ClickAsync();
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["carol", "bob", "alice"]);
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("login <img src=x onerror=alert(1)> ok");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The users list counts over 7 days unless its *Counts over* says otherwise (82a48a9), and everyone's search beside
    /// it still listed the last 24 hours: ann's export failure of 3 days ago, counted in her row, was not among its
    /// matches. The search lists the list's window, the one chosen too, and its box and button say which.
    /// </summary>
    [Fact]
    public async Task UsersPage_SearchEveryone_ListsTheUsersListsWindow_7DaysByDefault_OrTheOneChosen()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "ann", now.AddDays(-3), "Error", "export failed: disk full");
        await PostAsync(collector, "bob", now.AddHours(-2), "Error", "export failed: timeout");
        await PostAsync(collector, "cy", now.AddDays(-20), "Error", "export failed: no printer");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#status")).ToHaveTextAsync("3 users · counts over the last 7 days");
        await Expect(page.Locator("#everyone-q")).ToHaveAttributeAsync("placeholder", "words, \"a phrase\", prefix*  (last 7 d)");
        await Expect(page.Locator("#everyone-form button[type=submit]")).ToHaveAttributeAsync("title", "Every user's events of the last 7 days: all of them, or those the search finds");
        await page.Locator("#everyone-q").FillAsync("export failed");
        await page.Locator("#everyone-q").PressAsync("Enter");

        // Before: bob's alone, under 24 h.
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "ann"]);
        await Expect(page.Locator("[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");

        await page.Locator("#crumbs a").ClickAsync();
        await page.Locator("#users-window").SelectOptionAsync("30d");
        await Expect(page.Locator("#status")).ToHaveTextAsync("3 users · counts over the last 30 days");
        await Expect(page.Locator("#everyone-q")).ToHaveAttributeAsync("placeholder", "words, \"a phrase\", prefix*  (last 30 d)");
        await page.Locator("#everyone-q").FillAsync("export failed");
        await page.Locator("#everyone-q").PressAsync("Enter");
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "ann", "cy"]);
        Assert.Contains("range=30d", page.Url, StringComparison.Ordinal);
        // The range chosen is shown chosen, as every other (before: no button of its own, none pressed).
        await Expect(page.Locator("[data-range][aria-pressed=true]")).ToHaveTextAsync(["30 d"]);
        await page.Locator("[data-range='7d']").ClickAsync();
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "ann"]);
        await page.Locator("[data-range='30d']").ClickAsync();
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["bob", "ann", "cy"]);
        await Expect(page.Locator("[data-range][aria-pressed=true]")).ToHaveTextAsync(["30 d"]);
        Assert.Contains("range=30d", page.Url, StringComparison.Ordinal);

        await page.GotoAsync(collector.BaseAddress + "?window=1h");
        await Expect(page.Locator("#everyone-q")).ToHaveAttributeAsync("placeholder", "words, \"a phrase\", prefix*  (last 1 h)");
        await page.Locator("#everyone-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#events-empty")).ToHaveTextAsync("No events from anyone in the last hour. Look at any time");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task EveryoneTimeline_LiveTail_AddsAnyUsersNewEventOnTop()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "alice", now.AddMinutes(-1), "Warning", "disk almost full");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?all=1&live=1");
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await PostAsync(collector, "erin", DateTimeOffset.UtcNow, "Error", "erin's app crashed");

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["erin", "alice"]);
        await Expect(rows.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("live-new"));
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopValues_WhichUsersAndVersionsASearchHits_AUserOpensTheirMatchesInTheSameRange()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "bob", now.AddMinutes(-9), "Error", "payment declined", "2.4.1");
        await PostAsync(collector, "bob", now.AddMinutes(-8), "Error", "payment declined again", "2.4.1");
        await PostAsync(collector, "<b>alice</b>", now.AddMinutes(-7), "Warning", "payment declined once", "2.5.0");
        await PostAsync(collector, "<b>alice</b>", now.AddMinutes(-6), "Information", "payment page opened", "2.5.0");
        await PostAsync(collector, "carol", now.AddMinutes(-5), "Information", "login ok", "2.5.0");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?all=1&range=24h&q=declined");

        var users = page.Locator("#top-values [aria-label='Users'] .value");
        await Expect(users).ToHaveTextAsync(["bob 2", "<b>alice</b> 1"]);
        await Expect(page.Locator("#top-values [aria-label='Users'] .top-label")).ToHaveTextAsync("Users (2)");
        await Expect(page.Locator("#top-values [aria-label='Versions'] .value")).ToHaveTextAsync(["Shop 2.4.1 2", "Shop 2.5.0 1"]);
        await Expect(users.First.Locator(".count")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("hot"));
        await ChromiumFixture.ScreenshotAsync(page, "35-top-values");

        // One click: that user's events, with the same search and range.
        await users.Nth(1).ClickAsync();
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["payment declined once"]);
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("<b>alice</b>");
        await Expect(page.Locator("#timeline-q")).ToHaveValueAsync("declined");
        await Expect(page.Locator("[data-range='24h']")).ToHaveAttributeAsync("aria-pressed", "true");
        // A user's own timeline lists no Users group, only where the events come from.
        await Expect(page.Locator("#top-values [aria-label='Users']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#top-values [aria-label='Machines'] .value")).ToHaveTextAsync(["PC 1"]);

        // Nothing matches: no panel.
        await page.Locator("#timeline-q").FillAsync("refund");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#top-values")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_EveryoneAroundThisTime_EveryUsersEventsFiveMinutesEitherSideOpenedAtIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        await PostAsync(collector, "carol", at, "Error", "payment rejected");
        await PostAsync(collector, "bob", at.AddMinutes(-4), "Warning", "gateway slow");
        await PostAsync(collector, "<b>dave</b>", at.AddMinutes(3), "Information", "retry queued");
        await PostAsync(collector, "bob", at.AddMinutes(-6), "Information", "too early");
        await PostAsync(collector, "bob", at.AddMinutes(6), "Information", "too late");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=carol&range=all");
        await page.Locator("#events-table tbody tr").First.ClickAsync();

        await page.Locator("#detail-body button.around-filter").ClickAsync();

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["retry queued", "payment rejected", "gateway slow"]);
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("payment rejected");
        Assert.Contains("all=1", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#events-table tbody")).ToContainTextAsync("<b>dave</b>");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Live arrivals are counted again as the histogram is (2 s after the first of a burst, on the page's clock): a new
    /// user's event on everyone's live timeline shows in the top users (and its message in the kinds), with one summary
    /// request for the burst (the bars and every group), never a request per group.
    /// </summary>
    [Fact]
    public async Task EveryoneTimeline_LiveArrivals_TopUsersCountedAgainInOneSummaryRequest()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "alice", DateTimeOffset.UtcNow.AddMinutes(-5), "Warning", "disk almost full");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var summaryRequests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var separateRequests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            var path = new Uri(request.Url).AbsolutePath;
            if (path == "/api/events/summary")
            {
                summaryRequests.Enqueue(request.Url);
            }
            else if (path is "/api/events/top" or "/api/events/histogram")
            {
                separateRequests.Enqueue(request.Url);
            }
        };
        await page.Clock.InstallAsync(); // the recount's timer runs on the page's clock, moved on below
        var users = page.Locator("#top-values [aria-label='Users'] .value");

        await page.GotoAsync(collector.BaseAddress + "?all=1&range=1h&live=1");
        await Expect(users).ToHaveTextAsync(["alice 1"]);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await page.Clock.PauseAtAsync(DateTime.UtcNow.AddSeconds(1)); // no timer fires until moved on
        var before = summaryRequests.Count;
        var burst = JsonSerializer.Serialize(new
        {
            app = "Shop",
            machine = "PC",
            user = "erin",
            events = new[] { new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "erin's app crashed" }, new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "erin's app crashed again" } },
        });
        await Http.PostStoredAsync(collector.Client, "log/erin", burst);
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(3);
        Assert.Equal(0, summaryRequests.Count - before);
        await page.Clock.FastForwardAsync("00:03");

        await Expect(users).ToHaveTextAsync(["erin 2", "alice 1"]);
        await Expect(page.Locator("#top-values [aria-label='Users'] .top-label")).ToHaveTextAsync("Users (2)");
        await Expect(page.Locator("#top-values [aria-label='Messages'] .top-label")).ToHaveTextAsync("Messages (3)"); // the kinds too
        Assert.Equal(1, summaryRequests.Count - before); // the bars, kinds, users, versions, machines: one request for the burst
        Assert.Contains("top=template%2Cuser%2Cversion%2Cmachine&count=5", summaryRequests.Last(), StringComparison.Ordinal);
        Assert.Empty(separateRequests);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string user, DateTimeOffset at, string level, string message, string? version = null)
    {
        var body = JsonSerializer.Serialize(new { app = "Shop", version, machine = "PC", user, events = new object[] { new { timestamp = at, level, message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
