using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, against a real collector: the live tail's catch-up (the list read again once its stream is ready)
/// brings every event stored while the stream was not yet open, and an event it brings that the stream brings too is
/// one event. Playwright routes only hold requests (the stream's, the catch-up's) until the test lets them go.
/// </summary>
public sealed class LiveTailCatchUpConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task CatchUp_MoreStoredBeforeTheStreamStartedThanOnePage_EveryOneShown()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, new { level = "Information", message = "listed", timestamp = now.AddMinutes(-5), sequence = 1 });
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var stream = await HoldAsync(page, "/api/events/stream");
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress + "?user=tess&live=1");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["listed"]);
        await stream.Asked;
        // 250 events, more than the catch-up's page of 200, stored while the stream was not yet open.
        await PostAsync(collector, [.. Enumerable.Range(1, 250).Select(i => new { level = "Warning", message = "gap " + i, timestamp = now.AddSeconds(-300 + i), sequence = 1 + i })]);
        stream.Release();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        // Before: the newest 200 on top of "listed", "gap 1" to "gap 50" never shown and nothing said.
        await Expect(rows).ToHaveCountAsync(251);
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("gap 250");
        await Expect(rows.Nth(249).Locator("td.msg")).ToHaveTextAsync("gap 1");
        await Expect(rows.Last.Locator("td.msg")).ToHaveTextAsync("listed");
        await Expect(page.Locator("#status")).ToHaveTextAsync("251 events");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Paused_AnEventBroughtByTheStreamAndByTheCatchUp_CountedOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, new { level = "Information", message = "listed", timestamp = now.AddMinutes(-5), sequence = 1 });
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var stream = await HoldAsync(page, "/api/events/stream");
        // The list's own read goes through; the next one, the catch-up's, is held.
        var catchUp = await HoldAsync(page, "/api/events", skip: 1);
        var pause = page.Locator("#live-pause");

        await page.GotoAsync(collector.BaseAddress + "?user=tess&live=1");
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["listed"]);
        await stream.Asked;
        await pause.ClickAsync();
        // Stored before the stream starts: only the catch-up brings it.
        await PostAsync(collector, new { level = "Information", message = "before the stream", timestamp = now.AddSeconds(-3), sequence = 2 });
        stream.Release();
        await catchUp.Asked; // the stream is ready
        // Stored once the stream is ready: it brings them, and so does the catch-up read after them.
        await PostAsync(collector, new { level = "Information", message = "streamed 1", timestamp = now.AddSeconds(-2), sequence = 3 });
        await PostAsync(collector, new { level = "Information", message = "streamed 2", timestamp = now.AddSeconds(-1), sequence = 4 });
        await Expect(pause).ToHaveTextAsync("Resume (2 new)");
        catchUp.Release();

        // Before: "Resume (5 new)", the two streamed events counted again as the catch-up brought them.
        await Expect(pause).ToHaveTextAsync("Resume (3 new)");
        await pause.ClickAsync();
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["streamed 2", "streamed 1", "before the stream", "listed"]);
        Assert.Empty(dialogs);
    }

    private static Task PostAsync(CollectorFixture collector, params object[] events) =>
        Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null, events));

    /// <summary>Holds the requests to <paramref name="path"/> after the first <paramref name="skip"/> until released.</summary>
    private static async Task<Held> HoldAsync(IPage page, string path, int skip = 0)
    {
        var held = new Held();
        var seen = 0;
        await page.RouteAsync(url => new Uri(url).AbsolutePath == path, async route =>
        {
            if (Interlocked.Increment(ref seen) > skip)
            {
                held.AskedSource.TrySetResult();
                await held.ReleasedSource.Task;
            }

            await route.ContinueAsync();
        });
        return held;
    }

    private sealed class Held
    {
        public TaskCompletionSource AskedSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleasedSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Asked => AskedSource.Task;

        public void Release() => ReleasedSource.TrySetResult();
    }
}
