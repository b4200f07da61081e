using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a user last seen before the users list's counts window showed blank machines, counts and (with no
/// error ever) latest error, as if nothing were known of them. The row says what is known (last seen, the last
/// machine) and that there are none in the window.
/// </summary>
public sealed class UsersOutsideWindowConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_UserLastSeenBeforeTheWindow_LastMachineAndNoneInTheWindow_NotBlanks()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/old", Http.Envelope(null,
            new { level = "Information", message = "signed in", timestamp = now.AddDays(-10), user = "olga", sequence = 1 },
            new { level = "Information", message = "today", timestamp = now.AddMinutes(-5), user = "nina", sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var olga = page.Locator("#users-table tbody tr[data-user=olga]");
        await Expect(olga.Locator("td.time")).ToHaveTextAsync("10 d ago · none in the last 7 days");
        await Expect(olga.Locator("td").Nth(2)).ToHaveTextAsync("PC-042 (last)");
        await Expect(olga.Locator("td.num")).ToHaveTextAsync(["–", "–", "–", "–", "–", "–"]);
        await Expect(olga.Locator("td.levels-compact")).ToHaveTextAsync("none in the last 7 days");
        await Expect(olga.Locator("td").Last).ToHaveTextAsync("none");

        // A user with events in the window: its counts as before, blanks for levels without any.
        var nina = page.Locator("#users-table tbody tr[data-user=nina]");
        await Expect(nina.Locator("td.time")).ToHaveTextAsync("5 min ago");
        await Expect(nina.Locator("td.num")).ToHaveTextAsync(["", "", "1", "", "", ""]);
        await Expect(nina.Locator("td").Nth(2)).ToHaveTextAsync("PC-042");

        // Another window says its own span.
        await page.Locator("#users-window").SelectOptionAsync("30d");
        await Expect(olga.Locator("td.num")).ToHaveTextAsync(["", "", "1", "", "", ""]);
        await page.Locator("#users-window").SelectOptionAsync("1h");
        await Expect(olga.Locator("td.time")).ToHaveTextAsync("10 d ago · none in the last hour");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Monday morning: Friday's users are counted. The window, when the link names none, is the last 7 days (it was the
    /// last 24 hours: Friday's crash beside "none in the last 24 hours"), said beside the count; a link's window wins.
    /// </summary>
    [Fact]
    public async Task UsersList_NoWindowInTheLink_CountsTheLast7DaysAndSaysSo_ALinksWindowWins()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/friday", Http.Envelope(null,
            new { level = "Critical", message = "app crashed", timestamp = now.AddDays(-3), user = "fred", sequence = 1 },
            new { level = "Information", message = "today", timestamp = now.AddMinutes(-5), user = "mona", sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var fred = page.Locator("#users-table tbody tr[data-user=fred]");

        await page.GotoAsync(collector.BaseAddress.ToString());

        // Before: "3 d ago · none in the last 24 hours", every count "–" beside the crash.
        await Expect(fred.Locator("td.time")).ToHaveTextAsync("3 d ago");
        await Expect(fred.Locator("td.num")).ToHaveTextAsync(["", "", "", "", "", "1"]);
        await Expect(page.Locator("#users-window")).ToHaveValueAsync("7d");
        await Expect(page.Locator("#status")).ToHaveTextAsync("2 users · counts over the last 7 days");
        await Expect(page.Locator("#users-table caption")).ToHaveTextAsync("Users, with their events in the last 7 days");
        await Expect(page.Locator("#users-table th[data-counts='Critical events']")).ToHaveAttributeAsync("title", "Critical events in the last 7 days");
        Assert.DoesNotContain("window=", page.Url, StringComparison.Ordinal);

        await page.Locator("#users-window").SelectOptionAsync("24h");
        await Expect(fred.Locator("td.time")).ToHaveTextAsync("3 d ago · none in the last 24 hours");
        await Expect(page.Locator("#status")).ToHaveTextAsync("2 users · counts over the last 24 hours");
        await Expect(page.Locator("#users-table th[data-counts='Critical events']")).ToHaveAttributeAsync("title", "Critical events in the last 24 hours");
        Assert.Contains("window=24h", page.Url, StringComparison.Ordinal);

        await page.GotoAsync(collector.BaseAddress + "?window=24h");
        await Expect(page.Locator("#users-window")).ToHaveValueAsync("24h");
        await Expect(fred.Locator("td.time")).ToHaveTextAsync("3 d ago · none in the last 24 hours");
        Assert.Empty(dialogs);
    }
}
