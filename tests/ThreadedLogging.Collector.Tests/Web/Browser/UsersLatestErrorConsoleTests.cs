using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the users list's latest error is the event's message, then its exception's type in brackets.
/// "System.NullReferenceException: Unhandled exception, the app is closing" read as the exception's own message (it
/// said "Object reference not set to an instance of an object."), the form every other exception line of the page has.
/// </summary>
public sealed class UsersLatestErrorConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_LatestErrorWithAnException_MessageThenTheTypeNotTypeColonMessage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Payroll",
            events = new object[]
            {
                new
                {
                    timestamp = now.AddMinutes(-2), level = "Critical", message = "Unhandled exception, the app is <closing>",
                    exception = new { type = "System.NullReferenceException", message = "Object reference not set to an instance of an object." },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/bob", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        body = JsonSerializer.Serialize(new { app = "Payroll", events = new object[] { new { timestamp = now.AddMinutes(-1), level = "Error", message = "Sync failed" } } });
        (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/carol", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var bob = page.Locator("#users-table tbody tr[data-user=bob] td.error-cell");
        await Expect(bob.Locator("a.latest-error")).ToHaveTextAsync("Unhandled exception, the app is <closing> (System.NullReferenceException)");
        await Expect(bob).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^Unhandled exception, the app is <closing> \(System\.NullReferenceException\)\n"));
        // Without an exception: the message alone, as before.
        await Expect(page.Locator("#users-table tbody tr[data-user=carol] td.error-cell a.latest-error")).ToHaveTextAsync("Sync failed");
        await ChromiumFixture.ScreenshotAsync(page, "90-users-latest-error-type");
        Assert.Equal(0, await page.Locator("closing").CountAsync());
        Assert.Empty(dialogs);
    }
}
