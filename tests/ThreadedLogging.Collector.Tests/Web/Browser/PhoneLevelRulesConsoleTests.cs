using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium on a phone (390×844): the level rules' bar above every list is one line, "Level rules (1 active)",
/// a button (aria-expanded, Tab and Enter) that opens the rules, the capture controls and the audit. With an admin's
/// capture controls and the audit it took about 90 px, and a live rule's table more. Wider, the bar shows as it did.
/// </summary>
public sealed class PhoneLevelRulesConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string User = "<img src=x onerror=alert(1)>";
    private static readonly string[] Keys = ["--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret"];

    [Fact]
    public async Task LevelRulesBar_OnAPhone_OneLineThatOpensTheRules()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await ConsoleSignIn.SignInAsync(page, "admin-secret");
        var first = page.Locator("#events-table tbody tr").First;
        await Expect(first.Locator("td.msg")).ToHaveTextAsync("card declined");

        var toggle = page.Locator("#levels-toggle");
        await Expect(toggle).ToHaveTextAsync("Level rules (1 active)"); // before: no such button
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.Locator("#levels-capture")).ToBeHiddenAsync();
        await Expect(page.Locator("#audit")).ToBeHiddenAsync();
        await Expect(page.Locator("#rules-table")).ToBeHiddenAsync();
        await ChromiumFixture.ScreenshotAsync(page, "101-phone-level-rules-collapsed");
        var bar = await HeightAsync(page.Locator("#levels"));
        var button = await HeightAsync(toggle);
        var top = await first.EvaluateAsync<double>("r => r.getBoundingClientRect().top");
        // One line: the bar no taller than its button and the bar's padding (it was ~90 px, and a rule's table more).
        Assert.True(bar < 1.5 * button, $"the level rules' bar is {bar} px high, its button {button} px; the first row at {top} px");

        // The keyboard opens it: the rule (its user as text), the capture controls, the audit.
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        var rule = page.Locator("#rules-table tbody tr");
        await Expect(rule.Locator("td.selector")).ToHaveTextAsync("user " + User);
        await Expect(page.Locator("#levels-capture button", new() { HasText = "30 min" })).ToBeVisibleAsync();
        await Expect(page.Locator("#audit summary")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "102-phone-level-rules-open");

        // Revoked with it open: it stays open, its line follows.
        await rule.Locator("button", new() { HasText = "Revoke" }).ClickAsync();
        await Expect(toggle).ToHaveTextAsync("Level rules: none active");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await toggle.ClickAsync();
        await Expect(page.Locator("#levels-capture")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task LevelRulesBar_OnALaptop_ShownAsBeforeNoButton()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await ConsoleSignIn.SignInAsync(page, "admin-secret");

        await Expect(page.Locator("#rules-summary")).ToHaveTextAsync("Level rules (1 active)");
        await Expect(page.Locator("#rules-table tbody tr td.selector")).ToHaveTextAsync("user " + User);
        await Expect(page.Locator("#levels-capture button", new() { HasText = "30 min" })).ToBeVisibleAsync();
        await Expect(page.Locator("#audit summary")).ToBeVisibleAsync();
        await Expect(page.Locator("#levels-toggle")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    private static Task<double> HeightAsync(ILocator locator) => locator.EvaluateAsync<double>("e => e.getBoundingClientRect().height");

    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync(Keys);
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { user = User, level = "Debug", duration = "02:00:00" }), System.Text.Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new("Bearer", "admin-secret");
        using var created = await collector.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return collector;
    }
}
