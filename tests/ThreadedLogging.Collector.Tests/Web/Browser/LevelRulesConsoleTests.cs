using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Support-controlled levels from the support console (issue 13) in a real Chromium against the real collector:
/// an admin session creates "Debug for alice for 30 min" from alice's timeline, sees it with its remaining time,
/// revokes it; a read-only session sees the rules without the controls and is refused by the API.
/// </summary>
public sealed class LevelRulesConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] Keys = ["--Collector:ReadApiKey=read-secret", "--Collector:AdminApiKey=admin-secret"];

    [Fact]
    public async Task CaptureDebug_FromAlicesTimelineAsAdmin_ListedWithRemainingTimeThenRevoked()
    {
        await using var collector = await CollectorFixture.StartAsync(Keys);
        await SupportConsoleTests.LogWithClientAsync(collector, "alice", log => log.LogInformation("Report {Report} opened", "Q3"));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await ConsoleSignIn.SignInAsync(page, "admin-secret");

        await Expect(page.Locator("#levels-capture")).ToContainTextAsync("Capture Debug for this user for");
        await page.Locator("#levels-capture button", new() { HasText = "30 min" }).ClickAsync();

        var rows = page.Locator("#rules-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("td.selector")).ToHaveTextAsync("user alice");
        await Expect(rows.First.Locator("td.level")).ToHaveTextAsync("Debug");
        await Expect(rows.First.Locator("td.remaining")).ToHaveTextAsync(new Regex("^(29|30) min left$"));
        var rule = Assert.Single(await RulesAsync(collector));
        Assert.Equal(("alice", "Debug"), (rule.GetProperty("user").GetString(), rule.GetProperty("level").GetString()));
        var left = rule.GetProperty("expires").GetDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(left, TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(30));
        await page.Locator("#audit summary").ClickAsync();
        await Expect(page.Locator("#audit-table tbody tr").First).ToContainTextAsync("created rule");
        await ChromiumFixture.ScreenshotAsync(page, "9-level-rule-alice");
        await page.Locator("#audit summary").ClickAsync();

        await rows.First.Locator("button", new() { HasText = "Revoke" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#rules-summary")).ToHaveTextAsync("Level rules: none active");
        Assert.Empty(await RulesAsync(collector));
        await page.Locator("#audit summary").ClickAsync();
        await Expect(page.Locator("#audit-table tbody tr").First).ToContainTextAsync("revoked rule");
        await page.Locator("#audit summary").ClickAsync();

        // The same for a machine, from an event's detail.
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await page.Locator("#detail .capture", new() { HasText = "for machine PC-alice" }).Locator("button", new() { HasText = "2 h" }).ClickAsync();
        await Expect(rows.First.Locator("td.selector")).ToHaveTextAsync("machine PC-alice");
        Assert.Equal("PC-alice", Assert.Single(await RulesAsync(collector)).GetProperty("machine").GetString());
        await ChromiumFixture.ScreenshotAsync(page, "10-level-rule-machine-from-detail");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task ReadOnlySession_SeesRulesWithoutControls_ApiAnswers403()
    {
        await using var collector = await CollectorFixture.StartAsync(Keys);
        await SupportConsoleTests.LogWithClientAsync(collector, "alice", log => log.LogInformation("Report {Report} opened", "Q3"));
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
        {
            Content = new StringContent("""{"machine":"PC-alice","level":"Debug","duration":"02:00:00"}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using (var created = await collector.Client.SendAsync(create))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await ConsoleSignIn.SignInAsync(page, "read-secret");

        await Expect(page.Locator("#rules-table tbody tr td.selector")).ToHaveTextAsync("machine PC-alice");
        await Expect(page.Locator("#levels-admin-sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#levels-capture button")).ToHaveCountAsync(0);
        await Expect(page.Locator("#rules-table button")).ToHaveCountAsync(0);
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("Report Q3 opened");
        await Expect(page.Locator("#detail button[data-capture]")).ToHaveCountAsync(0);
        await ChromiumFixture.ScreenshotAsync(page, "11-level-rules-read-only");

        var status = await page.EvaluateAsync<int>("""
            async () => (await fetch('/api/levels', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'ThreadedLogging.Console' },
              body: JSON.stringify({ user: 'alice', level: 'Debug', duration: '00:30:00' }) })).status
            """);
        Assert.Equal((int)HttpStatusCode.Forbidden, status);
        Assert.Single(await RulesAsync(collector));
    }

    private static async Task<List<JsonElement>> RulesAsync(CollectorFixture collector)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/levels", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var response = await collector.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("rules").EnumerateArray().Select(r => r.Clone())];
    }
}
