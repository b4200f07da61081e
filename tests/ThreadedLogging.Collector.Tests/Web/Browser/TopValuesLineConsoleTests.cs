using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the top values above a timeline keep one line from the first paint on, whatever they are. Kinds,
/// versions and machines long enough to wrap took two or three lines when they came (after the list: GET
/// /api/events/summary), and pushed the list, on a page's first list, down under the pointer. What does not fit waits
/// behind "+N more", a button a keyboard reaches, which says whether it is open (aria-expanded).
/// </summary>
public sealed class TopValuesLineConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Theory]
    [InlineData(1366, 768)] // a laptop: 12 rows of the list still on screen
    [InlineData(390, 844)] // a phone
    public async Task FirstList_LongTopValuesArrive_TheListDoesNotMove_TheRestBehindMore(int width, int height)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        for (var v = 0; v < 3; v++)
        {
            var body = JsonSerializer.Serialize(new
            {
                app = "Shop",
                version = $"2.{v}.0+0123456789abcdef0123456789abcdef0123456{v}",
                machine = $"WORKSTATION-FINANCE-DEPARTMENT-0{v}",
                user = "pia",
                events = Enumerable.Range(0, 20).Select(i => new
                {
                    timestamp = now.AddSeconds(-(v * 20) - i),
                    level = i % 3 == 0 ? "Error" : "Information",
                    // One line in the list (60 characters), five of them more than a laptop's line among the top values.
                    message = $"Payment refused for order {i % 7}: the issuing bank said code {i % 7}",
                }).ToArray(),
            });
            await Http.PostStoredAsync(collector.Client, "log/pia", body);
        }

        var (context, page, dialogs) = await chromium.NewPageAsync(width, height);
        await using var _ = context;
        // The counts held until let go: a slow collector, the list shown first.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/events/summary?**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        var rows = page.Locator("#events-table tbody tr");
        await page.GotoAsync(collector.BaseAddress + "?user=pia");
        await Expect(rows).ToHaveCountAsync(60);
        var before = await BoxAsync(rows.First);

        var counted = page.WaitForResponseAsync("**/api/events/summary?**");
        release.SetResult();
        await (await counted).FinishedAsync();
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("60 events");
        await Expect(page.Locator("#top-values [aria-label='Messages'] .value")).ToHaveCountAsync(5);

        // Before: the kinds, versions and machines took lines of their own, and the first row moved down (by 103 px at
        // 1366 px, by 267 px on a phone).
        await ChromiumFixture.ScreenshotAsync(page, $"80-top-values-one-line-{width}");
        Assert.Equal(before, await BoxAsync(rows.First));
        if (width >= 1366)
        {
            var onScreen = await page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('#events-table tbody tr')].filter(r => r.getBoundingClientRect().bottom <= innerHeight).length");
            Assert.True(onScreen >= 12, $"{onScreen} rows of the timeline on a {width}×{height} screen");
        }

        // One line: what did not fit is hidden (no Tab, no click on a value cut off), and counted on the toggle.
        var values = page.Locator("#top-values .value");
        var shown = page.Locator("#top-values .value:visible");
        var more = page.Locator("#top-more");
        var hidden = await values.CountAsync() - await shown.CountAsync();
        Assert.True(hidden > 0, "every value on one line");
        await Expect(more).ToHaveTextAsync($"+{hidden} more");
        await Expect(more).ToHaveAttributeAsync("aria-expanded", "false");

        // The keyboard reaches it from the last value shown (Tab skips the hidden ones) and opens it (Enter).
        if (await shown.CountAsync() > 0)
        {
            await shown.Last.FocusAsync();
            await page.Keyboard.PressAsync("Tab");
        }
        else
        {
            await more.FocusAsync();
        }

        await Expect(more).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(more).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(more).ToHaveTextAsync("Fewer");
        await Expect(shown).ToHaveCountAsync(await values.CountAsync());
        await page.Keyboard.PressAsync("Enter");
        await Expect(more).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(more).ToHaveTextAsync($"+{hidden} more");
        Assert.Equal(before, await BoxAsync(rows.First));
        Assert.Empty(dialogs);
    }

    private static Task<string> BoxAsync(ILocator row) =>
        row.EvaluateAsync<string>("r => { const b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height].join(' '); }");
}
