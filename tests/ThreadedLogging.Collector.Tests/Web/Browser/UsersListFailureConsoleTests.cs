using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: what the users list and the timeline say when their list cannot be had. A search the API refuses
/// left the rows of the search before, faded, as if they answered it; a collector that stopped was "the collector cannot
/// be reached (Failed to fetch)", the browser's words; a user whose events carry no machine had an empty cell.
/// </summary>
public sealed class UsersListFailureConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_SearchRefused_RowsOfTheSearchBeforeGo()
    {
        // The longest value a parameter takes: 16 characters, so that a search of 20 is refused (400).
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxFieldLength=16");
        await PostAsync(collector, "alice", "PC-1");
        await PostAsync(collector, "bob", "PC-2");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#users-table tbody tr");

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(rows).ToHaveCountAsync(2);
        await page.Locator("#users-search").FillAsync("abcdefghijklmnopqrst");

        await Expect(page.Locator("#status")).ToContainTextAsync("Could not load users: parameter 'search'");
        // Before: alice and bob, faded, under a search that found nobody.
        await Expect(rows).ToHaveCountAsync(0);
        await Expect(page.Locator("#users-more")).ToBeHiddenAsync();

        await page.Locator("#users-search").FillAsync("bob");
        await Expect(rows).ToHaveCountAsync(1);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task UsersList_NoMachine_SaysNone()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "carol", null);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var machines = page.Locator("#users-table tbody tr[data-user='carol'] td").Nth(2);
        // Before: an empty cell, as if not loaded.
        await Expect(machines).ToHaveTextAsync("none");
        await Expect(machines).ToHaveAttributeAsync("title", "Its events were sent without a machine");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_CollectorStopped_SaysItDidNotAnswerInPlainWords()
    {
        var collector = await CollectorFixture.StartAsync();
        var running = true;
        try
        {
            await PostAsync(collector, "alice", "PC-1");
            var (context, page, dialogs) = await chromium.NewPageAsync();
            await using var _ = context;
            await page.GotoAsync(collector.BaseAddress + "?user=alice");
            await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);

            await collector.DisposeAsync();
            running = false;
            await page.Locator("[data-level=Warning]").ClickAsync();

            // Before: "Could not load events: the collector cannot be reached (Failed to fetch)".
            await Expect(page.Locator("#events-error")).ToHaveTextAsync("Could not load events: the collector did not answer (is it running, and can this computer reach it?)");
            Assert.DoesNotContain("Failed to fetch", await page.EvaluateAsync<string>("() => document.body.textContent"), StringComparison.Ordinal);
            Assert.Empty(dialogs);
        }
        finally
        {
            if (running)
            {
                await collector.DisposeAsync();
            }
        }
    }

    private static async Task PostAsync(CollectorFixture collector, string user, string? machine)
    {
        var body = JsonSerializer.Serialize(new { app = "Shop", version = "1.0", machine, user, events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message = "hello" } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
