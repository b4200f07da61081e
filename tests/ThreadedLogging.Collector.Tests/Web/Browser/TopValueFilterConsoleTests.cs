using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the top Versions and Machines under the histogram filter the list when clicked, as a kind does —
/// a version sets <c>app=</c> and <c>version=</c> (the top values API gives them apart from the label "Shop 2.4.1"), a
/// machine <c>machine=</c>: in the URL, removable chips, names shown as text. "(none)", the events sent without one, sets
/// <c>noapp=</c>, <c>noversion=</c> or <c>nomachine=</c> (the API's <c>noApp=true</c>, …); an empty one ("") stays a label.
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
        await Expect(versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of Admin without a version", Exact = true })).ToHaveTextAsync("Admin 1");

        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Markup + " 2.4.1", Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["shop 2.4.1 refunded", "shop 2.4.1 paid"]); // not Admin's 2.4.1
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["App: " + Markup + "×", "Version: 2.4.1 (exactly)×"]);
        Assert.Contains("app=%3Cb%3EShop%3C%2Fb%3E", page.Url, StringComparison.Ordinal);
        Assert.Contains("version=2.4.1&exactversion=1", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(5);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A top version's count is of that version exactly, and its button filtered on version=2.4.1, which also finds its
    /// builds (2.4.1+3f2a9c1, as a level rule selects): "2.4.1 2" listed 3 events. The count stays the exact version's
    /// (each build is a value of its own beside it: summed, they would count the builds twice), and the click asks for
    /// that version alone (exactversion=1, the API's exactVersion=true), as the detail's "filter" on its version does; a
    /// link's version=2.4.1 still finds the builds.
    /// </summary>
    [Fact]
    public async Task TopVersion_BesideItsBuilds_ClickListsAsManyEventsAsItsCount()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "Shop", "2.4.1", "PC-1", "release paid");
        await PostAsync(collector, "Shop", "2.4.1", "PC-1", "release refunded");
        await PostAsync(collector, "Shop", "2.4.1+3f2a9c1", "PC-1", "build paid");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");
        var versions = page.Locator("#top-values [role=group][aria-label='Versions']");
        var chips = page.Locator("#property-chips .chip");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(versions.Locator(".value")).ToHaveTextAsync(["Shop 2.4.1 2", "Shop 2.4.1+3f2a9c1 1"]);
        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of Shop 2.4.1", Exact = true }).ClickAsync();

        // Before: the build's event too, 3 rows under "2 events".
        await Expect(rows).ToHaveTextAsync(["release refunded", "release paid"]);
        await Expect(chips).ToHaveTextAsync(["App: Shop×", "Version: 2.4.1 (exactly)×"]);
        await Expect(chips.Nth(1)).ToHaveAttributeAsync("title", "2.4.1 only, not its builds (2.4.1+…)");
        Assert.Contains("exactversion=1", page.Url, StringComparison.Ordinal);
        var download = await page.Locator("#download-ndjson").GetAttributeAsync("href") ?? string.Empty;
        Assert.Contains("version=2.4.1&exactVersion=true", download, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter version 2.4.1", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["build paid", "release refunded", "release paid"]);
        Assert.DoesNotContain("exactversion", page.Url, StringComparison.Ordinal);

        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of Shop 2.4.1+3f2a9c1", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["build paid"]);
        await Expect(chips).ToHaveTextAsync(["App: Shop×", "Version: 2.4.1+3f2a9c1×"]);

        // The detail's "filter" on a version keeps the events of that version, as the top value's button does.
        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await page.Locator("#events-table tbody tr", new() { HasText = "release paid" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on version 2.4.1", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["release refunded", "release paid"]);

        // A link's version=2.4.1 is the version and its builds (docs/QUERY.md).
        await page.GotoAsync(collector.BaseAddress + "?user=alice&version=2.4.1");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(chips).ToHaveTextAsync(["Version: 2.4.1×"]);
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
        await Expect(machines.GetByRole(AriaRole.Button, new() { Name = "Only the events without a machine", Exact = true })).ToHaveTextAsync("(none) 1");

        await machines.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Machine, Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["admin on two", "on two"]);
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Machine: " + Machine + "×"]);
        Assert.Contains("machine=%3Cb%3EPC-2%3C%2Fb%3E", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter machine " + Machine, Exact = true }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(4);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopVersionWithoutApp_AFilter_EmptyVersionAndMachine_StayLabels()
    {
        // No filter finds only the empty ones: "version=" and "machine=" empty are no filter at all (diff review: they were
        // buttons, and a click listed more events than the entry counted). A version without an app is noApp=true&version=.
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

        await Expect(versions.GetByRole(AriaRole.Button)).ToHaveTextAsync(["2.4.1 1", "Shop 2.4.1 1"]);
        await Expect(versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of version 2.4.1 without an app", Exact = true })).ToHaveCountAsync(1);
        await Expect(machines.GetByRole(AriaRole.Button)).ToHaveTextAsync(["PC-1 2"]);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Support walkthrough: "(none)" among the top values could not be clicked, there was no filter for the events sent
    /// without an app, a version or a machine. Now each is one (the API's noApp=, noVersion=, noMachine=true): a chip
    /// "Machine: (none)" that the other filters combine with, removed by its ×.
    /// </summary>
    [Fact]
    public async Task TopNone_Click_ListsTheEventsSentWithoutOne_ChipsCombineWithTheOtherFilters()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "Shop", "2.4.1", "PC-1", "shop on one");
        await PostAsync(collector, "Admin", null, "PC-1", "admin without a version");
        await PostAsync(collector, null, null, null, "<b>bare</b>");
        await PostAsync(collector, "Shop", "2.4.1", null, "shop without a machine");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");
        var versions = page.Locator("#top-values [role=group][aria-label='Versions']");
        var machines = page.Locator("#top-values [role=group][aria-label='Machines']");
        var chips = page.Locator("#property-chips .chip");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveCountAsync(4);

        // Before: a label, no button.
        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events without an app and a version", Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["<b>bare</b>"]);
        await Expect(chips).ToHaveTextAsync(["App: (none)×", "Version: (none)×"]);
        Assert.Contains("noapp=1", page.Url, StringComparison.Ordinal);
        Assert.Contains("noversion=1", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter app (none)", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["<b>bare</b>", "admin without a version"]);

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await machines.GetByRole(AriaRole.Button, new() { Name = "Only the events without a machine", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["shop without a machine", "<b>bare</b>"]);
        await Expect(chips).ToHaveTextAsync(["Machine: (none)×"]);

        // With another field's filter: Shop 2.4.1's events without a machine.
        await versions.GetByRole(AriaRole.Button, new() { Name = "Only the events of Shop 2.4.1", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["shop without a machine"]);
        await Expect(chips).ToHaveTextAsync(["App: Shop×", "Version: 2.4.1 (exactly)×", "Machine: (none)×"]);

        // A machine's own filter replaces "(none)": the API takes one or the other.
        await page.GotoAsync(collector.BaseAddress + "?user=alice&nomachine=1");
        await Expect(rows).ToHaveCountAsync(2);
        await page.GotoAsync(collector.BaseAddress + "?user=alice&nomachine=1&machine=PC-1");
        await Expect(page.Locator("#events-error")).ToContainTextAsync("parameters 'machine' and 'noMachine=true' exclude each other");
        Assert.Equal(0, await page.Locator("#events-table b").CountAsync());
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string? app, string? version, string? machine, string message)
    {
        var body = JsonSerializer.Serialize(new { app, version, machine, events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
