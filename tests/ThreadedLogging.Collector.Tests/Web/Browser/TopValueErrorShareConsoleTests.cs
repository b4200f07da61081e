using System.Text.Json;
using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a top value's count is red by the share of its events that are errors, not by "any error": a
/// machine with 1 error in 97 events was as red as one whose every event failed.
/// </summary>
public sealed class TopValueErrorShareConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task TopValues_OneErrorInNinetySeven_NotRed_MostlyErrors_Red()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "PC-busy", "inst-busy", [.. Enumerable.Range(1, 97).Select(i =>
            new { timestamp = now.AddMinutes(-30).AddSeconds(i), level = i == 50 ? "Error" : "Information", message = "step " + i, sequence = i })]);
        await PostAsync(collector, "PC-broken", "inst-broken", [.. Enumerable.Range(1, 3).Select(i =>
            new { timestamp = now.AddMinutes(-20).AddSeconds(i), level = i == 3 ? "Information" : "Error", message = "failed " + i, sequence = i })]);
        await PostAsync(collector, "PC-quiet", "inst-quiet", [new { timestamp = now.AddMinutes(-10), level = "Information", message = "fine", sequence = 1 }]);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?all=1&range=24h");
        var machines = page.Locator("#top-values [aria-label='Machines'] .value");
        await Expect(machines).ToHaveTextAsync(["PC-busy 97", "PC-broken 3", "PC-quiet 1"]);

        var busy = machines.Nth(0).Locator(".count");
        await Expect(busy).Not.ToHaveClassAsync(new Regex(@"\bhot\b"));
        await Expect(busy).ToHaveClassAsync(new Regex(@"\bsome\b"));
        await Expect(machines.Nth(0)).ToHaveAttributeAsync("title", new Regex("97 events, 1 error$"));
        await Expect(machines.Nth(1).Locator(".count")).ToHaveClassAsync(new Regex(@"\bhot\b"));
        await Expect(machines.Nth(2).Locator(".count")).ToHaveClassAsync("count");
        Assert.Empty(dialogs);
    }

    private static Task PostAsync(CollectorFixture collector, string machine, string instanceId, object[] events) =>
        Http.PostStoredAsync(collector.Client, "log/sam", JsonSerializer.Serialize(new { app = "Shop", version = "1.0", machine, instanceId, events }));
}
