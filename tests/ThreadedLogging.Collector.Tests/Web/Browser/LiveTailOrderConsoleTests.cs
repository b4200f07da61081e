using ThreadedLogging.Collector.Tests.Support;
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
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/lena", Http.Envelope(null,
            new { level = "Information", message = "old 1", timestamp = now.AddMinutes(-10), sequence = 1 },
            new { level = "Information", message = "old 2", timestamp = now.AddMinutes(-9), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=lena&live=1");
        var messages = page.Locator("#events-table tbody tr td.msg");
        await Expect(messages).ToHaveCountAsync(2);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        await Http.PostStoredAsync(collector.Client, "log/lena", Http.Envelope(null,
            new { level = "Warning", message = "late, between", timestamp = now.AddMinutes(-9.5), sequence = 3 },
            new { level = "Warning", message = "late, oldest", timestamp = now.AddMinutes(-30), sequence = 4 },
            new { level = "Error", message = "new", timestamp = now, sequence = 5 }));

        // Before: each arrival on top ("new", "late, oldest", "late, between", "old 2", "old 1"), under "newest first".
        await Expect(messages).ToHaveTextAsync(["new", "old 2", "late, between", "old 1", "late, oldest"]);
        await Expect(page.Locator("#status")).ToHaveTextAsync("5 events");
        Assert.Empty(dialogs);
    }
}
