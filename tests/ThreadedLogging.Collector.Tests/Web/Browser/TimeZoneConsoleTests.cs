using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Support on a phone in one zone, the user in another: every time the console shows says its zone (the browser's, as
/// Seq and Grafana show it), the list and the detail write it alike, and a copied link shows the same instants anywhere.
/// </summary>
public sealed class TimeZoneConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Link = "?user=zoe&from=2026-10-24T00%3A00%3A00.000Z&to=2026-10-27T00%3A00%3A00.000Z";

    [Theory]
    [InlineData("Asia/Tokyo", "2026-10-26 21:00:00.250 UTC+09:00", "2026-10-24 21:00:00.125 UTC+09:00", "2026-10-24 09:00 UTC+09:00")]
    [InlineData("America/New_York", "2026-10-26 08:00:00.250 UTC-04:00", "2026-10-24 08:00:00.125 UTC-04:00", "2026-10-23 20:00 UTC-04:00")]
    [InlineData("Europe/Berlin", "2026-10-26 13:00:00.250 UTC+01:00", "2026-10-24 14:00:00.125 UTC+02:00", "2026-10-24 02:00 UTC+02:00")]
    [InlineData("Europe/London", "2026-10-26 12:00:00.250 UTC", "2026-10-24 13:00:00.125 UTC+01:00", "2026-10-24 01:00 UTC+01:00")]
    public async Task Timeline_SameLinkInAnotherZone_SameInstantsEachWithItsZoneInListAndDetail(string zone, string newer, string older, string fromBox)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        // Both sides of Europe's daylight saving change (25 Oct 2026): each row says its own offset.
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Warning", message = "before the change", timestamp = "2026-10-24T12:00:00.125Z", sequence = 1 },
            new { level = "Error", message = "after the change", timestamp = "2026-10-26T12:00:00.250Z", sequence = 2 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = zone, Locale = "en-GB" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(collector.BaseAddress + Link);

        var rows = page.Locator("#events-table tbody tr");
        // Before: "26/10/2026, 21:00:00.250" (the locale's order, no zone) beside a detail in UTC.
        await Expect(rows.Locator("td.time")).ToHaveTextAsync([newer, older]);
        await Expect(page.Locator("#range-zone")).ToHaveTextAsync(zone);
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync(fromBox);
        await rows.First.ClickAsync();
        await Expect(page.Locator("#detail-title")).ToHaveTextAsync("Error · " + newer);
        await Expect(page.Locator("#detail-body dt:text-is('time (local)') + dd")).ToHaveTextAsync(newer);
        await Expect(page.Locator("#detail-body dt:text-is('time (UTC)') + dd")).ToHaveTextAsync("2026-10-26T12:00:00.250Z");
        // The link still carries the instants it came with, in UTC: opened elsewhere it shows these two events again.
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape("from=2026-10-24T00%3A00%3A00.000Z&to=2026-10-27T00%3A00%3A00.000Z")));
    }

    [Fact]
    public async Task Timeline_LinkTimesWithoutAZone_ReadAsUtcAsTheApiReadsThem_BoxesShowThatInstantAndRequestsSayZ()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        await Http.PostStoredAsync(collector.Client, "log/zoe", Http.Envelope(null,
            new { level = "Error", message = "at noon UTC", timestamp = "2026-10-26T12:00:00.250Z", sequence = 1 }));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Asia/Tokyo", Locale = "en-GB" });
        var page = await context.NewPageAsync();
        var asked = new System.Collections.Concurrent.ConcurrentQueue<Uri>();
        page.Request += (_, request) => asked.Enqueue(new Uri(request.Url));

        // A link edited by hand, or written by a script, without a zone: the API reads these as UTC (docs/QUERY.md).
        await page.GotoAsync(collector.BaseAddress + "?user=zoe&from=2026-10-26T11:00&to=2026-10-26 13:00");

        await Expect(page.Locator("#events-table tbody tr td.time")).ToHaveTextAsync(["2026-10-26 21:00:00.250 UTC+09:00"]);
        // Before: "2026-10-26 11:00 UTC+09:00" and "… 13:00:00.000 UTC+09:00", the browser's reading, nine hours from the list's range.
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-26 20:00 UTC+09:00");
        await Expect(page.Locator("#timeline-to")).ToHaveValueAsync("2026-10-26 22:00:00.000 UTC+09:00");
        var list = asked.Last(u => u.AbsolutePath == "/api/events");
        var query = System.Web.HttpUtility.ParseQueryString(list.Query);
        Assert.Equal("2026-10-26T11:00Z", query["from"]); // before: "2026-10-26T11:00", the zone left to the API
        Assert.Equal("2026-10-26T13:00:00.0009999Z", query["to"]); // the end of its millisecond, as a To with a zone
    }
}
