using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Alerts;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the console's <c>app</c>, <c>machine</c>, <c>instance</c> and <c>path</c> filters (the API's
/// parameters, kept in the URL): an alert's link shows exactly the events its rule counted, the filters show as
/// removable chips, and the event detail's app and machine each have a button that filters on them.
/// </summary>
public sealed class IdentityFilterConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task AlertLink_RuleOnOneApp_ListsOnlyThatAppsEventsAsTheRuleCounted()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        await scenario.PostAsync(Minute * 1, message: "Payment failed for order 1");
        await scenario.PostAsync(Minute * 2, app: "Billing", message: "Invoice failed");
        await scenario.PostAsync(Minute * 3, message: "Payment failed for order 2");
        await scenario.EvaluateAtAsync(Minute * 5);
        var notification = Assert.Single(scenario.Receiver.Delivered);
        var link = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("lastFiredLink").GetString()!;
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(scenario.Collector.BaseAddress + link.TrimStart('/'));

        await Expect(rows).ToHaveTextAsync(AlertScenario.Messages(notification).ToArray());
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["App: Payroll×"]);
        Assert.Contains("app=Payroll", await page.Locator("#download-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter app Payroll", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["Payment failed for order 2", "Invoice failed", "Payment failed for order 1"]);
        Assert.DoesNotContain("app=", page.Url, StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_AppAndMachineFilterButtons_NarrowTheListChipsInTheUrlMarkupAsText()
    {
        const string Markup = "<b>PC-2</b>";
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "Shop", "PC-1", "shop on one");
        await PostAsync(collector, "Shop", Markup, "shop on two");
        await PostAsync(collector, "Admin", Markup, "admin on two");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveTextAsync(["admin on two", "shop on two", "shop on one"]);
        await page.Locator("#events-table tbody tr", new() { HasText = "shop on two" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on machine " + Markup, Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["admin on two", "shop on two"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on app Shop", Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["shop on two"]);
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["App: Shop×", "Machine: " + Markup + "×"]);
        Assert.Contains("app=Shop", page.Url, StringComparison.Ordinal);
        Assert.Contains("machine=%3Cb%3EPC-2%3C%2Fb%3E", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Expect(rows).ToHaveTextAsync(["admin on two", "shop on two"]);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopUsers_OnOneAppAndMachinesTimeline_OpenTheUserWithThoseFiltersKept()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "Shop", "PC-1", "alice in the shop on one");
        await PostAsync(collector, "Shop", "PC-2", "alice in the shop on two");
        await PostAsync(collector, "Admin", "PC-1", "alice in admin on one");
        await PostAsync(collector, "Shop", "PC-1", "bob in the shop on one", user: "bob");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?all=1&app=Shop&machine=PC-1&range=24h");
        await Expect(rows).ToHaveTextAsync(["bob in the shop on one", "alice in the shop on one"]);
        await page.Locator("#top-values [aria-label='Users'] .value", new() { HasText = "alice" }).ClickAsync();

        // Alice's events of that app on that machine, as counted: not her every event.
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("alice");
        await Expect(rows).ToHaveTextAsync(["alice in the shop on one"]);
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["App: Shop×", "Machine: PC-1×"]);
        await Expect(page.Locator("[data-range='24h']")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string app, string machine, string message, string user = "alice")
    {
        var body = JsonSerializer.Serialize(new { app, machine, events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
