using System.Net;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Adopter walk 3: on a 1366×768 laptop with a few live level rules, the rules' table above every view left room for
/// few rows of the timeline. The rules stay on the page (each one's Revoke reachable), and the list keeps most of the
/// screen.
/// </summary>
public sealed class LaptopLayoutTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Timeline_SixLiveLevelRules_AtLeastTwelveRowsOnScreenAndEveryRuleReachable()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/pia", Http.Envelope(null, [.. Enumerable.Range(0, 60).Select(i =>
            new { level = "Information", message = "step " + i, timestamp = now.AddSeconds(-i), sequence = i })]));
        for (var i = 0; i < 6; i++)
        {
            var created = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/levels",
                Http.Utf8($$"""{"user":"user-{{i}}","level":"Debug","duration":"00:30:00"}"""), "application/json");
            Assert.Equal(HttpStatusCode.Created, created.Status);
        }

        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1366, height: 768);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=pia");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(60);
        var rules = page.Locator("#rules-table tbody tr");
        await Expect(rules).ToHaveCountAsync(6);
        await ChromiumFixture.ScreenshotAsync(page, "75-laptop-six-level-rules");

        var onScreen = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('#events-table tbody tr')].filter(r => r.getBoundingClientRect().bottom <= innerHeight).length");
        Assert.True(onScreen >= 12, $"{onScreen} rows of the timeline on a 1366×768 screen");

        foreach (var rule in await rules.AllAsync())
        {
            var revoke = rule.Locator("button", new() { HasText = "Revoke" });
            await revoke.ScrollIntoViewIfNeededAsync();
            await Expect(revoke).ToBeInViewportAsync();
        }

        Assert.Empty(dialogs);
    }
}
