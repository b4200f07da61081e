using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium at a phone's 390 px: the users list shows every level's count (the T, D and I columns were hidden
/// with no way to see them: one cell holds the six counts and wraps), and no search box cuts its placeholder (everyone's
/// search read "(empty: all of the l").
/// </summary>
public sealed class NarrowWidthConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Each visible box whose placeholder is wider than the room inside it: "id: text needs N of M px".</summary>
    internal const string CutPlaceholders = """
        () => [...document.querySelectorAll('input[placeholder]')].filter(i => i.offsetParent).flatMap(i => {
          const s = getComputedStyle(i);
          const canvas = document.createElement('canvas').getContext('2d');
          canvas.font = s.font;
          const needs = canvas.measureText(i.placeholder).width;
          const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
          return needs > room ? [`${i.id}: ${i.placeholder} needs ${Math.ceil(needs)} of ${Math.floor(room)} px`] : [];
        })
        """;

    [Fact]
    public async Task UsersList_At390Px_EveryLevelsCountShownAndNoPlaceholderCut()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var levels = new[] { ("Trace", 1), ("Debug", 2), ("Information", 3), ("Warning", 4), ("Error", 5) };
        var sequence = 0;
        await Http.PostStoredAsync(collector.Client, "log/noa", Http.Envelope(null, [.. levels.SelectMany(l => Enumerable.Range(0, l.Item2).Select(_ =>
            new { level = l.Item1, message = l.Item1 + " event", timestamp = now.AddMinutes(-10 + sequence * 0.1), sequence = ++sequence }))]));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var row = page.Locator("#users-table tbody tr[data-user=noa]");
        await Expect(row).ToBeVisibleAsync();
        var counts = row.Locator("td.levels-compact .level-count");
        await Expect(counts).ToHaveTextAsync(["T 1", "D 2", "I 3", "W 4", "E 5"]);
        foreach (var count in await counts.AllAsync())
        {
            await Expect(count).ToBeVisibleAsync();
        }

        await Expect(counts.Last).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bhot\b"));
        await Expect(page.Locator("#users-table th.levels-compact")).ToBeVisibleAsync();
        // Nothing runs past the screen's right edge: the page does not scroll sideways.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the users list is wider than 390 px");
        Assert.Empty(await page.EvaluateAsync<string[]>(CutPlaceholders));
        await ChromiumFixture.ScreenshotAsync(page, "82-users-390px");

        // Wide again: the six columns, not the combined cell.
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(row.Locator("td.num").Nth(1)).ToBeVisibleAsync();
        await Expect(row.Locator("td.num").Nth(1)).ToHaveTextAsync("2");
        await Expect(row.Locator("td.levels-compact")).ToBeHiddenAsync();
        await Expect(page.Locator("#users-table th.levels-compact")).ToBeHiddenAsync();
        await page.SetViewportSizeAsync(390, 800);

        await page.GotoAsync(collector.BaseAddress + "?user=noa");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(15);
        Assert.Empty(await page.EvaluateAsync<string[]>(CutPlaceholders));
        await ChromiumFixture.ScreenshotAsync(page, "83-timeline-390px");
        Assert.Empty(dialogs);
    }
}
