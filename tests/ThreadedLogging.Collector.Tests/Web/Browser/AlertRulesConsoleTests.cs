using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Alerts;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Alert rules made from the support console (<c>/?alerts=1</c>) in a real Chromium against a real collector with a
/// configured rule: an admin session creates one through the form (a name with markup stays text; a query that does not
/// parse shows the API's reason naming the field), sees it beside the read-only configured rule and in the audit, and
/// deletes it; a read-only session gets neither the form nor the buttons.
/// </summary>
public sealed class AlertRulesConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string MarkupName = "<img src=x onerror=alert(1)> billing";

    [Fact]
    public async Task AlertsView_AdminSession_CreatesThroughTheFormThenDeletes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync([.. AlertScenario.RuleArgs(receiver, "payroll-errors"), "--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret"]);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?alerts=1");
        await ConsoleSignIn.SignInAsync(page, "admin-secret");
        await Expect(page.Locator("#alert-form")).ToBeVisibleAsync();

        await page.Locator("#alert-name").FillAsync(MarkupName);
        await page.Locator("#alert-query").FillAsync("lvl=Error");
        await page.Locator("#alert-window").FillAsync("01:00:00");
        await page.Locator("#alert-webhook").FillAsync($"{receiver.BaseAddress}/hook/secret-path-XYZ");
        await page.Locator("#alert-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#alert-form-error")).ToContainTextAsync("Could not create the rule: 'query': unknown parameter 'lvl'");
        Assert.Empty(await MadeRulesAsync(collector));

        await page.Locator("#alert-query").FillAsync("level=Error&app=Billing");
        await page.Locator("#alert-form button[type=submit]").ClickAsync();

        var rows = page.Locator("#alerts-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator(".alert-made")).ToHaveTextAsync("settings (read-only)");
        await Expect(rows.Nth(0).Locator("button")).ToHaveCountAsync(0);
        var made = rows.Nth(1);
        await Expect(made.Locator(".alert-name")).ToHaveTextAsync(MarkupName);
        await Expect(made.Locator(".alert-query")).ToHaveTextAsync("level=Error&app=Billing");
        await Expect(made.Locator(".alert-made")).ToContainTextAsync("by AdminApiKey (console session)");
        await Expect(page.Locator("#alert-form-error")).ToBeEmptyAsync();
        await Expect(page.Locator("#alert-name")).ToHaveValueAsync(string.Empty);
        Assert.Equal(0, await page.Locator("#alerts-table img").CountAsync());
        var stored = Assert.Single(await MadeRulesAsync(collector));
        Assert.Equal((MarkupName, 1, "01:00:00"), (stored.GetProperty("name").GetString(), stored.GetProperty("threshold").GetInt32(), stored.GetProperty("window").GetString()));
        await page.Locator("#alerts-audit summary").ClickAsync();
        await Expect(page.Locator("#alerts-audit-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#alerts-audit-table tbody tr").First).ToContainTextAsync("created rule");
        await ChromiumFixture.ScreenshotAsync(page, "61-alert-rule-made");

        await made.GetByRole(AriaRole.Button, new() { Name = "Delete alert rule " + MarkupName }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(1);
        Assert.Empty(await MadeRulesAsync(collector));
        await Expect(page.Locator("#alerts-audit-table tbody tr").First).ToContainTextAsync("deleted rule");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task AlertsView_ReadOnlySession_NoFormNoDeleteApiAnswers403()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret");
        using (var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/alerts", UriKind.Relative)) { Content = JsonContent(AlertRulesApiTests.Rule(receiver)) })
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
            using var created = await collector.Client.SendAsync(create);
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(collector.BaseAddress + "?alerts=1");
        await ConsoleSignIn.SignInAsync(page, "read-secret");

        await Expect(page.Locator("#alerts-table tbody tr .alert-made")).ToHaveTextAsync("by AdminApiKey");
        await Expect(page.Locator("#alert-form")).ToBeHiddenAsync();
        await Expect(page.Locator("#alerts-table button")).ToHaveCountAsync(0);
        var status = await page.EvaluateAsync<int>("""
            async () => (await fetch('/api/alerts', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'ThreadedLogging.Console' },
              body: JSON.stringify({ name: 'r', webhook: 'http://127.0.0.1:9/h' }) })).status
            """);
        Assert.Equal(403, status);
        Assert.Single(await MadeRulesAsync(collector));
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static async Task<List<JsonElement>> MadeRulesAsync(CollectorFixture collector)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/alerts", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var response = await collector.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("alerts").EnumerateArray().Where(a => !a.GetProperty("readOnly").GetBoolean()).Select(a => a.Clone())];
    }
}
