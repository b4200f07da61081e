using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the top Versions and Machines under the histogram filter the list when clicked, as a kind does —
/// a version sets <c>app=</c> and <c>version=</c> (the top values API gives them apart from the label "Shop 2.4.1"), a
/// machine <c>machine=</c>: in the URL, removable chips, names shown as text. The events without one stay a label.
/// </summary>
public sealed class TopValueFilterConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Markup = "<b>Shop</b>";

    [Fact]
    public async Task TopVersion_Click_ListsThatAppsVersionOnlyAppAndVersionInTheUrl()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, Markup, "2.4.1", "PC-1", "shop 2.4.1 paid");
        await PostAsync(collector, Markup, "2.4.1", "PC-1", "shop 2.4.1 refunded");
        await PostAsync(collector, Markup, "2.5.0", "PC-1", "shop 2.5.0 paid");
        await PostAsync(collector, "Admin", "2.4.1", "PC-1", "admin 2.4.1 signed in"); // the same version of another app
        await PostAsync(collector, "Admin", null, "PC-1", "admin without a version");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");
        var versions = page.Locator("#top-values [role=group][aria-label='Versions']");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(versions.Locator(".value")).ToHaveTextAsync([Markup + " 2.4.1 2", Markup + " 2.5.0 1", "Admin 1", "Admin 2.4.1 1"]);
        await Expect(versions.Locator("b")).ToHaveCountAsync(0); // the app's markup is text
        await Expect(versions.Locator("span.value", new() { HasText = "Admin 1" })).ToHaveCountAsync(1); // no version: no filter finds only those

        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Markup + " 2.4.1", Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["shop 2.4.1 refunded", "shop 2.4.1 paid"]); // not Admin's 2.4.1
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["App: " + Markup + "×", "Version: 2.4.1×"]);
        Assert.Contains("app=%3Cb%3EShop%3C%2Fb%3E", page.Url, StringComparison.Ordinal);
        Assert.Contains("version=2.4.1", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(5);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopMachine_Click_ListsThatMachinesEventsMachineInTheUrl()
    {
        const string Machine = "<b>PC-2</b>";
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "Shop", "2.4.1", "PC-1", "on one");
        await PostAsync(collector, "Shop", "2.4.1", Machine, "on two");
        await PostAsync(collector, "Admin", "1.0", Machine, "admin on two");
        await PostAsync(collector, "Shop", "2.4.1", null, "on no machine");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");
        var machines = page.Locator("#top-values [role=group][aria-label='Machines']");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(machines.Locator(".value")).ToHaveTextAsync([Machine + " 2", "(none) 1", "PC-1 1"]);
        await Expect(machines.Locator("span.value", new() { HasText = "(none)" })).ToHaveCountAsync(1);

        await machines.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Machine, Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["admin on two", "on two"]);
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Machine: " + Machine + "×"]);
        Assert.Contains("machine=%3Cb%3EPC-2%3C%2Fb%3E", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter machine " + Machine, Exact = true }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(4);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopVersionWithoutApp_AndEmptyMachine_StayLabels()
    {
        // No filter finds only these events: "version=2.4.1" alone lists every app's 2.4.1, and "machine=" empty is no
        // filter at all (diff review: both were buttons, and a click listed more events than the entry counted).
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, null, "2.4.1", string.Empty, "no app, empty machine");
        await PostAsync(collector, "Shop", "2.4.1", "PC-1", "shop on one");
        await PostAsync(collector, "Admin", string.Empty, "PC-1", "admin, empty version");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var versions = page.Locator("#top-values [role=group][aria-label='Versions']");
        var machines = page.Locator("#top-values [role=group][aria-label='Machines']");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(versions.Locator(".value")).ToHaveCountAsync(3);
        await Expect(machines.Locator(".value")).ToHaveCountAsync(2);

        await Expect(versions.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Shop 2.4.1 1"]);
        await Expect(machines.GetByRole(AriaRole.Button)).ToHaveTextAsync(["PC-1 2"]);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string? app, string? version, string? machine, string message)
    {
        var body = JsonSerializer.Serialize(new { app, version, machine, events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
