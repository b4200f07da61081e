using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The user filter ignores case (docs/QUERY.md), so the timeline of "alice" also lists what "Alice" logged; the users
/// list has a row for each spelling. The timeline then says whose each row is.
/// </summary>
public sealed class UserNameCaseTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_UserLoggedUnderTwoSpellings_UserColumnSaysWhichRowIsWhose()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null,
            new { level = "Information", message = "from alice", timestamp = now.AddMinutes(-3), sequence = 1 },
            new { level = "Information", message = "from Alice", timestamp = now.AddMinutes(-2), sequence = 2, user = "Alice" },
            new { level = "Information", message = "from bob", timestamp = now.AddMinutes(-1), sequence = 3, user = "bob" }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(3); // alice, Alice, bob

        await page.Locator("#users-table tbody tr[data-user=alice]").ClickAsync();

        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        // Before: no User column, "from Alice" read as alice's.
        await Expect(page.Locator("#events-table thead th.col-user")).ToBeVisibleAsync();
        await Expect(rows.Nth(0).Locator("td.col-user")).ToHaveTextAsync("Alice");
        await Expect(rows.Nth(1).Locator("td.col-user")).ToHaveTextAsync("alice");

        // A timeline with one spelling only keeps the column hidden.
        await page.GoBackAsync();
        await page.Locator("#users-table tbody tr[data-user=bob]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("from bob");
        await Expect(page.Locator("#events-table thead th.col-user")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }
}
