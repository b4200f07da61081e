using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>A client whose clock is fast (ingest takes times up to Collector:MaxClockSkew ahead) in the users list.</summary>
public sealed class UsersListClockTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_ClientClockFiveHoursAhead_LastSeenAndLatestErrorSayAheadNotNegativeSecondsAgo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tom", Http.Envelope(null,
            new { level = "Error", message = "clock runs fast", timestamp = DateTimeOffset.UtcNow.AddHours(5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());

        var row = page.Locator("#users-table tbody tr[data-user=tom]");
        // Before: "-17999 s ago" in both.
        await Expect(row.Locator("td.time")).ToHaveTextAsync("5 h ahead");
        await Expect(row.Locator("td.error-cell")).ToHaveTextAsync("clock runs fast · 5 h ahead");
        // Counted in the window (the last 7 days) where it arrived: before, the E column was empty beside its latest error.
        await Expect(row.Locator("td.num.hot")).ToHaveTextAsync("1");
        Assert.Empty(dialogs);
    }
}
