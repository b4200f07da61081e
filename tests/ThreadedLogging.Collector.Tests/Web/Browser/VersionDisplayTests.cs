using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a version stamped with its commit (<c>2.1.0+</c> and 40 hex digits, as the .NET SDK writes every
/// assembly's informational version) is shown with the hash cut to 7 digits in the lists, the whole version in the
/// element's title and in the event's detail (its kind's versions of the last 7 days short too), and filters keep the whole version (the detail's filter button; version= without a build also finds its builds). Other versions are shown as they are.
/// </summary>
public sealed class VersionDisplayTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Stamped = "2.1.0+0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public async Task CommitStampedVersion_ShortInLists_WholeInTitleDetailAndFilters()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "alice", Stamped, "paid");
        await PostAsync(collector, "bob", "3.0.0-beta.1+abc", "refunded"); // a short build tag, not a commit: as it is
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var alice = page.Locator("#users-table tbody tr[data-user='alice'] td").Nth(3);
        await Expect(alice).ToHaveTextAsync("Shop 2.1.0+0123456"); // the users list names each app with its version
        await Expect(alice.Locator("span")).ToHaveAttributeAsync("title", "Shop " + Stamped);
        var bob = page.Locator("#users-table tbody tr[data-user='bob'] td").Nth(3);
        await Expect(bob).ToHaveTextAsync("Shop 3.0.0-beta.1+abc");
        Assert.Null(await bob.Locator("span").GetAttributeAsync("title"));

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        var appCell = page.Locator("#events-table tbody tr td").Nth(3);
        await Expect(appCell).ToHaveTextAsync("Shop 2.1.0+0123456");
        await Expect(appCell).ToHaveAttributeAsync("title", "Shop " + Stamped);
        var chip = page.Locator("#top-values [role=group][aria-label='Versions'] .value");
        await Expect(chip).ToHaveTextAsync("Shop 2.1.0+0123456 1");
        await Expect(chip).ToHaveAttributeAsync("title", "Only the events of Shop " + Stamped + ": 1 event"); // a button: app= and version= the whole version

        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail-body")).ToContainTextAsync(Stamped);
        // The kind's versions of the last 7 days, under its buttons, as the lists show them (before: the 40-digit hash).
        var reachVersion = page.Locator("#detail-body .kind-versions strong");
        await Expect(reachVersion).ToHaveTextAsync("Shop 2.1.0+0123456");
        await Expect(reachVersion).ToHaveAttributeAsync("title", "Shop " + Stamped);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task VersionFilter_DetailButtonAndUrl_NarrowTheListToThatVersionOrItsBuilds()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "alice", Stamped, "paid");
        await PostAsync(collector, "alice", "2.1.0", "refunded");
        await PostAsync(collector, "alice", "3.0.0", "shipped");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveTextAsync(["shipped", "refunded", "paid"]);
        await page.Locator("#events-table tbody tr", new() { HasText = "paid" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on version " + Stamped, Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["paid"]); // the whole version, its build included: only itself
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Version: " + Stamped + "×"]);
        Assert.Contains("version=2.1.0%2B0123456789abcdef", page.Url, StringComparison.Ordinal);

        await page.GotoAsync(collector.BaseAddress + "?user=alice&version=2.1.0");
        await Expect(rows).ToHaveTextAsync(["refunded", "paid"]); // a version without a build: itself and its builds
        Assert.Contains("version=2.1.0", await page.Locator("#download-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter version 2.1.0", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["shipped", "refunded", "paid"]);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string user, string version, string message)
    {
        var body = JsonSerializer.Serialize(new { app = "Shop", version, machine = "PC", user, events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
