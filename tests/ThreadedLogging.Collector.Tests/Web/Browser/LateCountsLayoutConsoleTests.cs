using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the counts that come after the list (the bars and top values above it, GET /api/events/summary
/// once the list is answered; the kind's users and versions in the detail, 300 ms after the event is shown) do not move
/// the list or the detail. They were hidden until answered and then pushed everything under them down: a button pressed
/// as they came was released over something else, and the click was lost (VersionDisplayTests' "Filter on version" in CI:
/// the list stayed at its 3 rows for 60 s). Here the summary's answers are held, the button pressed, the answers let go
/// and drawn, and the button released.
/// </summary>
public sealed class LateCountsLayoutConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Stamped = "2.1.0+0123456789abcdef0123456789abcdef01234567";

    [Theory]
    [InlineData("Filter on version " + Stamped, "version=2.1.0%2B0123456789abcdef")]
    [InlineData("Filter on machine PC-7", "machine=PC-7")]
    [InlineData("Filter on OrderId = 42", "property=OrderId%3D42")]
    [InlineData("Only this kind", "template=paid")]
    public async Task DetailButton_PressedWhileTheCountsArrive_StaysUnderThePointerAndFilters(string button, string inUrl)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "2.2.0", "shipped", 7);
        await PostAsync(collector, Stamped, "paid", 42);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        // Every count (the list's bars and top values, the kind's reach) held until released: a slow collector.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/events/summary?**", async route =>
        {
            await release.Task;
            try
            {
                await route.ContinueAsync();
            }
            catch (PlaywrightException)
            {
                // Aborted while held (the list changed): nothing to continue.
            }
        });
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveTextAsync(["paid", "shipped"]);
        await page.Locator("#events-table tbody tr", new() { HasText = "paid" }).ClickAsync();
        var target = page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true });
        await target.HoverAsync();
        await page.Mouse.DownAsync();

        release.SetResult();
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("2 events");
        await Expect(page.Locator("#top-values [role=group][aria-label='Versions']")).ToBeVisibleAsync();
        await Expect(page.Locator("#detail-body .kind-reach")).ToContainTextAsync("in the last 7 days");
        await Expect(page.Locator("#detail-body .kind-versions")).ToContainTextAsync("Shop 2.1.0+0123456");
        await page.Mouse.UpAsync();

        // Before: the bars and top values came above the list and the detail, the kind's versions above the Identity
        // section; the press and the release were over different elements, and no click came.
        await Expect(rows).ToHaveTextAsync(["paid"]);
        Assert.Contains(inUrl, page.Url, StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// On a phone (390 px) the kind's users and versions wrap, whole: kept to one line (above) they ended in "…", and a
    /// phone has no pointer to hover the title that holds the rest.
    /// </summary>
    [Fact]
    public async Task Phone_KindsUsersAndVersions_WrapWhole()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector, "2.2.0", "paid", 7);
        await PostAsync(collector, Stamped, "paid", 42);
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        var versions = page.Locator("#detail-body .kind-versions");
        await Expect(versions).ToContainTextAsync("(2 versions)");
        await Expect(page.Locator("#detail-body .kind-reach")).ToContainTextAsync("in the last 7 days");

        // Before: one line, its end cut off ("…") at 390 px.
        foreach (var line in new[] { versions, page.Locator("#detail-body .kind-reach") })
        {
            Assert.True(await line.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), await line.TextContentAsync());
        }

        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector, string version, string message, int orderId)
    {
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            version,
            machine = orderId == 42 ? "PC-7" : "PC-8",
            user = "alice",
            events = new object[] { new { timestamp = DateTimeOffset.UtcNow, level = "Information", message, properties = new { OrderId = orderId } } },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
