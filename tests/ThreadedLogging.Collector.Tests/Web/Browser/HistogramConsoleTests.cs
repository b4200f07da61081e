using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The timeline's volume bar: the listed events (same user, levels, search and range) counted by slice of time, errors
/// apart; a click on a bar lists that slice only, as a link.
/// </summary>
public sealed class HistogramConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// "All" (no from, no to): the bars span the events themselves, first to last. They ran from the first to now, so
    /// a half-hour burst three days ago was one bar of an hour beside three days of empty ones.
    /// </summary>
    [Fact]
    public async Task Timeline_All_ShortBurstDaysAgo_BarsOverTheBurstNotUpToNow()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var burst = DateTimeOffset.UtcNow.AddDays(-3);
        burst = new DateTimeOffset(burst.Year, burst.Month, burst.Day, burst.Hour, 0, 0, TimeSpan.Zero);
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, [.. Enumerable.Range(0, 30).Select(i =>
            new { level = "Information", message = "step " + i, timestamp = burst.AddMinutes(i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=hana");

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(30);
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("30 events · bars of");
        // Each minute's event a bar of its own (bars of at most a minute), not one bar holding all 30.
        await Expect(page.Locator("#histogram-bars g.bucket:not([data-total='0'])")).ToHaveCountAsync(30);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_Hour_BarsCountTheListAndAClickListsThatSlice()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // 60 events, one a minute from 08:00; one error at 08:37:30; another user's events are not counted.
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, [.. Enumerable.Range(0, 60).Select(i =>
            new { level = i == 37 ? "Error" : "Information", message = i == 37 ? "payment failed" : "step " + i, timestamp = Start.AddMinutes(i).AddSeconds(i == 37 ? 30 : 0), sequence = i })]));
        await Http.PostStoredAsync(collector.Client, "log/ivan", Http.Envelope(null, new { level = "Error", message = "not hana's", timestamp = Start.AddMinutes(37), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=hana&from=2026-11-24T08:00:00.000Z&to=2026-11-24T08:59:59.000Z");

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(60);
        await Expect(page.Locator("#histogram-caption")).ToHaveTextAsync("60 events · bars of 1 min · click a bar for its events");
        var bars = page.Locator("#histogram-bars g.bucket");
        await Expect(bars).ToHaveCountAsync(60);
        var totals = await bars.EvaluateAllAsync<int[]>("gs => gs.map(g => Number(g.dataset.total))");
        Assert.All(totals, t => Assert.Equal(1, t));
        var errorBar = page.Locator("#histogram-bars g.bucket:has(rect.bar-error)");
        await Expect(errorBar).ToHaveCountAsync(1);
        Assert.Equal("2026-11-24T08:37:00.000Z", await errorBar.GetAttributeAsync("data-start"));
        // Times under the bars, in the page's zone: the first at the first bar's start, no date within a day.
        var axis = page.Locator("#histogram-axis span");
        var firstLocal = await page.EvaluateAsync<string>("() => { const d = new Date('2026-11-24T08:00:00Z'); return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); }");
        await Expect(axis.First).ToHaveTextAsync(firstLocal);
        Assert.InRange(await axis.CountAsync(), 2, 8);

        await errorBar.ClickAsync();

        // The slice's events only, and the link says so (back returns to the hour).
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#events-table tbody td.msg")).ToHaveTextAsync("payment failed");
        Assert.Contains("from=2026-11-24T08%3A37%3A00.000Z&to=2026-11-24T08%3A37%3A59.999Z", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#histogram-caption")).ToHaveTextAsync("1 event · bars of 1 s · click a bar for its events");
        await page.GoBackAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(60);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_LevelToggleAndSearch_BarsFollowTheList()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, [.. Enumerable.Range(0, 30).Select(i =>
            new { level = i % 10 == 0 ? "Warning" : "Information", message = i % 3 == 0 ? "disk slow" : "ok " + i, timestamp = Start.AddMinutes(2 * i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=hana&from=2026-11-24T08:00:00.000Z&to=2026-11-24T08:59:59.000Z");
        await Expect(page.Locator("#histogram-caption")).ToHaveTextAsync("30 events · bars of 1 min · click a bar for its events");

        await page.Locator("[data-level=Warning]").ClickAsync();
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("3 events · bars of");
        await Expect(page.Locator("#histogram-bars rect.bar-warn")).ToHaveCountAsync(3);
        await Expect(page.Locator("#histogram-bars rect.bar-other")).ToHaveCountAsync(0);

        await page.Locator("[data-level=Warning]").ClickAsync();
        await page.Locator("#timeline-q").FillAsync("disk");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("10 events · bars of");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(10);

        await page.Locator("#timeline-q").FillAsync("printer");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#histogram")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_Live_BarsCountTheArrivalsOnceTheRedrawIsDue()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, [.. Enumerable.Range(0, 3).Select(i =>
            new { level = "Information", message = "before " + i, timestamp = now.AddMinutes(-10 + i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.Clock.InstallAsync(); // the redraw's timer runs on the page's clock, moved on below
        await page.GotoAsync(collector.BaseAddress + "?user=hana&range=1h&live=1");
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("3 events · bars of");
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null,
            new { level = "Error", message = "live failure", timestamp = DateTimeOffset.UtcNow, sequence = 10 },
            new { level = "Information", message = "live step", timestamp = DateTimeOffset.UtcNow, sequence = 11 }));
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(5);
        await page.Clock.FastForwardAsync("00:03");

        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("5 events · bars of");
        await Expect(page.Locator("#histogram-bars rect.bar-error")).ToHaveCountAsync(1);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Three days at 1000 px: the axis's last label fell at the last bar, 24 px of it past the axis's end, cut to
    /// "11-27 06:0" — a label that does not fit whole is left out. The labels' positions depend on the range and the
    /// width only, not on the page's zone (every label has the same length).
    /// </summary>
    [Fact]
    public async Task Axis_ThreeDaysAt1000Px_EveryLabelWholeInsideTheAxis()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/hana", Http.Envelope(null, [.. Enumerable.Range(0, 72).Select(i =>
            new { level = "Information", message = "hour " + i, timestamp = Start.AddHours(i), sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1000, height: 700);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=hana&from=2026-11-24T08:00:00.000Z&to=2026-11-27T08:00:00.000Z");

        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("72 events · bars of");
        var axis = page.Locator("#histogram-axis span");
        Assert.InRange(await axis.CountAsync(), 2, 8);
        var overflow = await page.EvaluateAsync<string[]>("""
            () => { const a = document.getElementById('histogram-axis').getBoundingClientRect();
              return [...document.querySelectorAll('#histogram-axis span')].map(s => s.getBoundingClientRect()).filter(r => r.right > a.right + 0.5 || r.left < a.left - 0.5).map(r => `${r.left}-${r.right} outside ${a.left}-${a.right}`); }
            """);
        Assert.Empty(overflow);
        await ChromiumFixture.ScreenshotAsync(page, "84-histogram-axis-1000px");
        Assert.Empty(dialogs);
    }
}
