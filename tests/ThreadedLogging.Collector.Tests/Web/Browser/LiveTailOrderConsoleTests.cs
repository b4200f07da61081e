using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The live tail keeps the list's order, newest first: an event that arrives late (its time earlier than rows shown, as
/// a client's spool sends after an outage) goes where its time puts it, not on top.
/// </summary>
public sealed class LiveTailOrderConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task LiveTail_LateArrival_ShownWhereItsTimePutsIt()
    {
        await using var live = await LiveTailPage.OpenAsync(chromium);
        var now = live.Now;

        await live.PostAsync(
            new { level = "Warning", message = "late, between", timestamp = now.AddMinutes(-9.5), sequence = 3 },
            new { level = "Warning", message = "late, oldest", timestamp = now.AddMinutes(-30), sequence = 4 },
            new { level = "Error", message = "new", timestamp = now, sequence = 5 });

        // Before: each arrival on top ("new", "late, oldest", "late, between", "old 2", "old 1"), under "newest first".
        await Expect(live.Page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["new", "old 2", "late, between", "old 1", "late, oldest"]);
        await Expect(live.Page.Locator("#status")).ToHaveTextAsync("5 events");
        Assert.Empty(live.Dialogs);
    }
}
