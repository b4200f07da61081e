using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Alerts;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, against a real collector with two rules (one fired to a real webhook, one whose webhook refuses
/// connections): the header's Alerts link (keyboard too) lists each rule from <c>GET /api/alerts</c> with its query,
/// threshold, last evaluation, last notification and webhook state, names as text; "show events" opens the link the API
/// gives; with no rule the view says how to add one.
/// </summary>
public sealed class AlertsConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string MarkupName = "<img src=x onerror=alert(1)> billing";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static Task PostErrorAsync(CollectorFixture collector, DateTimeOffset at, string message) =>
        Http.PostStoredAsync(collector.Client, "log/alice", JsonSerializer.Serialize(new { app = "Payroll", events = new[] { new { level = "Error", message, timestamp = at } } }));

    [Fact]
    public async Task AlertsView_RulesConfiguredOneFiredOneFailing_ShowsEachRuleItsStateAndLinksItsEvents()
    {
        const int refusedPort = 9; // nothing listens (discard); a free port picked and let go may be handed to another test's server
        await using var scenario = await AlertScenario.StartAsync("payroll-errors",
        [
            $"--Collector:Alerts:Rules:1:Name={MarkupName}",
            "--Collector:Alerts:Rules:1:Query=app=Billing",
            "--Collector:Alerts:Rules:1:Window=01:00:00",
            $"--Collector:Alerts:Rules:1:Webhook=http://127.0.0.1:{refusedPort}/hook/secret-path-XYZ",
        ]);
        await scenario.PostAsync(Minute * 1, message: "Payment failed for order 1");
        await scenario.PostAsync(Minute * 2, message: "Payment failed for order 2");
        await scenario.PostAsync(Minute * 3, app: "Billing", message: "Invoice failed");
        await scenario.EvaluateAtAsync(Minute * 5);
        var api = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts");
        var notifiedLink = api[0].GetProperty("lastFiredLink").GetString()!;
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(scenario.Collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        await page.Locator("#alerts-link").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#alerts-view")).ToBeVisibleAsync();
        Assert.EndsWith("/?alerts=1", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#users-view")).ToBeHiddenAsync();
        var rows = page.Locator("#alerts-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        var fired = rows.Nth(0);
        await Expect(fired.Locator(".alert-name")).ToHaveTextAsync("payroll-errors");
        await Expect(fired.Locator(".alert-query")).ToHaveTextAsync("level=Error&app=Payroll");
        await Expect(fired.Locator(".alert-threshold")).ToHaveTextAsync("2 events in 1 h, then quiet 1 h");
        await Expect(fired.Locator(".alert-evaluated")).ToContainTextAsync("counted 2 events");
        await Expect(fired.Locator(".alert-notified")).ToContainTextAsync("2 events");
        await Expect(fired.Locator(".alert-webhook")).ToHaveTextAsync("127.0.0.1: delivered");
        var failing = rows.Nth(1);
        await Expect(failing.Locator(".alert-name")).ToHaveTextAsync(MarkupName);
        await Expect(failing.Locator(".alert-notified")).ToHaveTextAsync("never");
        await Expect(failing.Locator(".alert-webhook")).ToHaveTextAsync($"127.0.0.1: failing, sent again at the next evaluation: {ThreadedLogging.Collector.Alerts.WebhookFailure.NoHttpAnswer}");
        await Expect(failing.Locator(".alert-webhook")).Not.ToContainTextAsync("secret");
        await Expect(page.Locator("#alerts-summary")).ToContainTextAsync("This collector evaluates the rules every 1 h");
        await ChromiumFixture.ScreenshotAsync(page, "60-alerts");

        await fired.GetByRole(AriaRole.Link, new() { Name = "Events it notified" }).ClickAsync();

        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.EndsWith(notifiedLink, page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#events-table tbody tr td.msg", new() { HasText = "Payment failed" })).ToHaveCountAsync(2);
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// "Events in the last 1 h" is the rule's window ending when the link is followed: a view left open for hours once
    /// opened the hour that ended when it was loaded (a later error not in it).
    /// </summary>
    [Fact]
    public async Task AlertsView_LeftOpenThreeHours_EventsInTheLastWindowOpensTheWindowEndingNow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var opened = time.GetUtcNow();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(time), AlertScenario.RuleArgs(receiver, "payroll-errors"));
        await PostErrorAsync(collector, opened - (Minute * 10), "Payment failed before the view was opened");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?alerts=1");
        var windowLink = page.GetByRole(AriaRole.Link, new() { Name = "Events in the last 1 h" });
        await Expect(windowLink).ToHaveAttributeAsync("href", ConsoleLinkOf(await collector.GetJsonAsync("api/alerts")));

        time.Advance(TimeSpan.FromHours(3)); // the view stays open
        await PostErrorAsync(collector, time.GetUtcNow() - (Minute * 10), "Payment failed while the view was open");
        await windowLink.ClickAsync();

        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.EndsWith(ConsoleLinkOf(await collector.GetJsonAsync("api/alerts")), page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["Payment failed while the view was open"]);
        Assert.Empty(dialogs);

        static string ConsoleLinkOf(JsonElement alerts) => alerts.GetProperty("alerts")[0].GetProperty("eventsLink").GetString()!;
    }

    /// <summary>
    /// Before its first evaluation a SQLite collector's note said "or another collector sharing the PostgreSQL database
    /// does": no other collector shares a SQLite store. The note says only what is true on every store.
    /// </summary>
    [Fact]
    public async Task AlertsView_SqliteNotYetEvaluated_NoteSaysNotYetAndNamesNoOtherStore()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(scenario.Collector.BaseAddress + "?alerts=1");

        await Expect(page.Locator("#alerts-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#alerts-summary")).ToContainTextAsync("This collector has not evaluated the rules yet (every 1 h).");
        await Expect(page.Locator("#alerts-summary")).Not.ToContainTextAsync("PostgreSQL");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task AlertsView_NoRules_SaysHowToAddOne()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?alerts=1");

        await Expect(page.Locator("#alerts-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#alerts-empty")).ToContainTextAsync("Collector:Alerts:Rules");
        await Expect(page.Locator("#alerts-table")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>The header said "Alerts" twice: its link (the current page) and the crumbs "Users › Alerts".</summary>
    [Fact]
    public async Task AlertsView_Header_SaysAlertsOnceItsLinkTheCurrentPage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?alerts=1");

        await Expect(page.Locator("#alerts-view")).ToBeVisibleAsync();
        await Expect(page.Locator("#alerts-link")).ToHaveAttributeAsync("aria-current", "page");
        var header = await page.Locator("header.top").InnerTextAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(header, "Alerts"));
        // The way back to the users stays: the brand.
        await page.Locator("header.top .brand").ClickAsync();
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        Assert.Empty(dialogs);
    }
}
