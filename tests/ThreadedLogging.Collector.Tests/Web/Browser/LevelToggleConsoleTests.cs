using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the "Error" toggle lists Error and Critical (support walkthrough: picked to see what went wrong, it
/// hid the crashes); both buttons show pressed, "Crit" alone takes the crashes off again, and a link that names its
/// levels (<c>levels=Error</c>) lists exactly those.
/// </summary>
public sealed class LevelToggleConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task ErrorToggle_ListsErrorsAndCrashes_CritTogglesCrashesAlone_LinkLevelsKept()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-3), level = "Information", message = "cart opened" },
                new { timestamp = now.AddMinutes(-2), level = "Error", message = "payment failed" },
                new { timestamp = now.AddMinutes(-1), level = "Critical", message = "<b>app crashed</b>" },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/lea", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var messages = page.Locator("#events-table tbody tr td.msg");
        var error = page.Locator("[data-level=Error]");
        var critical = page.Locator("[data-level=Critical]");

        await page.GotoAsync(collector.BaseAddress + "?user=lea");
        await Expect(messages).ToHaveCountAsync(3);

        await error.ClickAsync();

        // Before: "payment failed" alone, the crash hidden.
        await Expect(messages).ToHaveTextAsync(["<b>app crashed</b>", "payment failed"]);
        await Expect(error).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(critical).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Contains("levels=Error%2CCritical", page.Url, StringComparison.Ordinal);

        await critical.ClickAsync();
        await Expect(messages).ToHaveTextAsync(["payment failed"]);
        await Expect(critical).ToHaveAttributeAsync("aria-pressed", "false");

        await error.ClickAsync();
        await Expect(messages).ToHaveCountAsync(3);
        await Expect(error).ToHaveAttributeAsync("aria-pressed", "false");

        await critical.ClickAsync();
        await Expect(messages).ToHaveTextAsync(["<b>app crashed</b>"]);
        await error.ClickAsync();
        await Expect(messages).ToHaveTextAsync(["<b>app crashed</b>", "payment failed"]);
        await error.ClickAsync();
        await Expect(messages).ToHaveCountAsync(3); // both off: everything, as before the first click

        // A link names its levels: Error alone is Error alone.
        await page.GotoAsync(collector.BaseAddress + "?user=lea&levels=Error");
        await Expect(messages).ToHaveTextAsync(["payment failed"]);
        await Expect(error).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(critical).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal(0, await page.Locator("#events-table b").CountAsync());
        Assert.Empty(dialogs);
    }
}
