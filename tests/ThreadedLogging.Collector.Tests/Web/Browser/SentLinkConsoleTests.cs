using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a link to an open event, sent with the list's time range ("1 h" counts back from whenever the
/// link is opened, dates stay where they were), opened when the event lies outside that range. The event was open beside
/// a list without it or anything before it ("No events for bob in this time range."), and nothing said why: the detail
/// now says so and lists the events up to it in one click.
/// </summary>
public sealed class SentLinkConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task EventOutsideTheLinksRange_DetailSaysSoAndListsTheEventsUpToIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var crashAt = now.AddDays(-3);
        var body = JsonSerializer.Serialize(new
        {
            app = "Payroll",
            user = "bob",
            events = new object[]
            {
                new { timestamp = crashAt.AddMinutes(-1), level = "Information", message = "opening report <Year end>" },
                new { timestamp = crashAt, level = "Critical", message = "app closing", exception = new { type = "System.NullReferenceException", message = "Object reference not set" } },
                new { timestamp = now.AddMinutes(-5), level = "Information", message = "signed in again" },
            },
        });
        var crash = await PostForBobAndFindTheCrashAsync(collector, body);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        // Sent with "1 h" pressed, opened three days later.
        await page.GotoAsync(collector.BaseAddress + "?user=bob&range=1h&event=" + crash);
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["signed in again"]);
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("app closing");
        var note = page.Locator("#detail-body .note.out-of-range");
        await Expect(note).ToContainTextAsync("Not in the list: it is older than the list's time range (the last hour).");
        await ChromiumFixture.ScreenshotAsync(page, "89-sent-link-out-of-range");

        await note.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "List the events up to it" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        await Expect(rows.Nth(0).Locator("td.msg")).ToContainTextAsync("app closing");
        await Expect(rows.Nth(1).Locator("td.msg")).ToHaveTextAsync("opening report <Year end>");
        await Expect(note).ToHaveCountAsync(0);
        Assert.Contains("at=" + crash, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("range=", page.Url, StringComparison.Ordinal);

        // Dates that end before it: newer than the range, the dates said.
        var to = crashAt.AddMinutes(-30).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        await page.GotoAsync(collector.BaseAddress + "?user=bob&to=" + Uri.EscapeDataString(to) + "&event=" + crash);
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("app closing");
        await Expect(note).ToContainTextAsync("Not in the list: it is newer than the list's time range (to ");

        // In the range: no note.
        await page.GotoAsync(collector.BaseAddress + "?user=bob&range=7d&event=" + crash);
        await Expect(page.Locator("#events-table tbody tr.selected td.msg")).ToContainTextAsync("app closing");
        await Expect(note).ToHaveCountAsync(0);
        Assert.Equal(0, await page.Locator("year").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>A link with the 30-day range (state.js takes it) said "older than the list's time range ()".</summary>
    [Fact]
    public async Task EventOlderThanALinksThirtyDays_DetailNamesTheRange()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=90.00:00:00");
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Payroll",
            user = "bob",
            events = new object[]
            {
                new { timestamp = now.AddDays(-40), level = "Critical", message = "app closing" },
                new { timestamp = now.AddMinutes(-5), level = "Information", message = "signed in again" },
            },
        });
        var crash = await PostForBobAndFindTheCrashAsync(collector, body);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=bob&range=30d&event=" + crash);

        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("app closing");
        await Expect(page.Locator("#detail-body .note.out-of-range")).ToContainTextAsync("Not in the list: it is older than the list's time range (the last 30 days).");
        Assert.Empty(dialogs);
    }

    /// <summary>Posts bob's events and returns the id of the Critical one (the crash the link opens).</summary>
    private static async Task<string> PostForBobAndFindTheCrashAsync(CollectorFixture collector, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/bob", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (found, events) = await Http.SendAsync(collector.Client, HttpMethod.Get, "api/events?user=bob&levels=Critical", null, null);
        Assert.True(found == HttpStatusCode.OK, events);
        return JsonDocument.Parse(events).RootElement.GetProperty("events")[0].GetProperty("id").ToString();
    }
}
