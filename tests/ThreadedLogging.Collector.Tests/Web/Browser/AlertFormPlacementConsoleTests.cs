using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the Alerts view's form for a new rule comes before the list of rules. Below a long list it was
/// found by no one (on a phone, after every rule; on a laptop, pinned under the list's own scroll).
/// </summary>
public sealed class AlertFormPlacementConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AlertsView_ThirtyRules_TheNewRuleFormIsFirstAndInView()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var rules = Enumerable.Range(0, 30).SelectMany(i => new[]
        {
            $"--Collector:Alerts:Rules:{i}:Name=rule-{i:00}", $"--Collector:Alerts:Rules:{i}:Query=level=Error&app=App{i}",
            $"--Collector:Alerts:Rules:{i}:Threshold=2", $"--Collector:Alerts:Rules:{i}:Window=01:00:00",
            $"--Collector:Alerts:Rules:{i}:Webhook={receiver.BaseAddress}/hook/{i}",
        });
        await using var collector = await CollectorFixture.StartAsync([.. rules, "--Collector:Alerts:Interval=01:00:00", "--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret"]);
        var (context, page, dialogs) = await chromium.NewPageAsync(390, 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?alerts=1");
        await ConsoleSignIn.SignInAsync(page, "admin-secret");
        await Expect(page.Locator("#alerts-table tbody tr")).ToHaveCountAsync(30);

        await Expect(page.Locator("#alert-form")).ToBeInViewportAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => !!(document.getElementById('alert-form').compareDocumentPosition(document.getElementById('alerts-table')) & Node.DOCUMENT_POSITION_FOLLOWING)"));
        await page.Locator("#alert-name").FocusAsync();
        await Expect(page.Locator("#alert-name")).ToBeInViewportAsync();
        Assert.Empty(dialogs);
    }
}
