using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// First-line support's first step: "Anna Schmidt calls". Typed into "Find user" as she says it, her name found no user
/// ("No user matches “Anna Schmidt”.") though anna.schmidt had logged: the search was one substring. Each word of it now
/// has to be in the name, in any order.
/// </summary>
public sealed class UserSearchWordsConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task FindUser_NameAsTheCallerSaysIt_FindsTheirLogin()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var (user, i) in new[] { "anna.schmidt", "anna.berg", "bob.schmidt" }.Select((user, i) => (user, i)))
        {
            await Http.PostStoredAsync(collector.Client, "log/" + user, Http.Envelope(null,
                new { level = "Error", message = "Posting failed", timestamp = now.AddMinutes(-10 + i), sequence = i + 1, user }));
        }

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var users = page.Locator("#users-table tbody tr td.user");
        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(users).ToHaveCountAsync(3);

        await page.Locator("#users-search").FillAsync("Anna Schmidt");
        await Expect(users).ToHaveTextAsync(["anna.schmidt"]);
        await Expect(page.Locator("#users-empty")).ToBeHiddenAsync();

        await page.Locator("#users-search").FillAsync("schmidt");
        await Expect(users).ToHaveTextAsync(["bob.schmidt", "anna.schmidt"]);

        await page.Locator("#users-search").FillAsync("anna meyer");
        await Expect(page.Locator("#users-empty")).ToHaveTextAsync("No user matches “anna meyer”.");
        await Expect(users).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }
}
