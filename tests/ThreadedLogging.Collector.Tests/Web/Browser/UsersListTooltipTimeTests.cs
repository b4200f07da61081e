using System.Globalization;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The users list's tooltips of "Last seen" and "Latest error" said the stored UTC text ("UTC 2026-12-05T11:51:00+00:00")
/// while every other time of the console is the browser's, with its zone ("2026-12-05 20:51:00.000 UTC+09:00").
/// </summary>
public sealed class UsersListTooltipTimeTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_LastSeenAndLatestErrorTooltips_InTheBrowsersZoneAsTheConsoleWritesTimes()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds());
        await Http.PostStoredAsync(collector.Client, "log/tom", Http.Envelope(null,
            new { level = "Error", message = "Posting failed", timestamp = at, sequence = 1 }));
        // Tokyo: +09:00 all year, so the expected text needs no zone database.
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Asia/Tokyo", Locale = "en-GB" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(collector.BaseAddress.ToString());

        var local = at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC+09:00";
        var row = page.Locator("#users-table tbody tr[data-user=tom]");
        // Before: "UTC 2026-…T…+00:00" and "Open this error (2026-…T…+00:00)".
        await Expect(row.Locator("td.time")).ToHaveAttributeAsync("title", local);
        await Expect(row.Locator("td.error-cell")).ToHaveAttributeAsync("title", "Posting failed\nOpen this error (" + local + ")");
    }
}
