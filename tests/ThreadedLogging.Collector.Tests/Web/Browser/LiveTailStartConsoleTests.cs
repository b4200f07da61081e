using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the live tail's stream opens once its list is answered. A search the API refuses was refused
/// twice, by the list and by the stream (a second 400, and "closed" beside the box); and an event stored between the
/// list's read and the stream's start was in neither.
/// </summary>
public sealed class LiveTailStartConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task LiveTail_SearchTheApiRefuses_NoStreamOpenedReasonSaidOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var streams = new List<string>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/api/events/stream")
            {
                lock (streams)
                {
                    streams.Add(request.Url);
                }
            }
        };

        await page.GotoAsync(collector.BaseAddress + "?user=tess&live=1&q=%22card");
        await Expect(page.Locator("#events-error")).ToHaveTextAsync("Could not load events: parameter 'q' has a quote that is not closed at position 1 (phrases are \"in quotes\")");
        await Expect(page.Locator("#timeline-view")).Not.ToHaveAttributeAsync("aria-busy", "true");

        // Before: the stream was asked for with the list and refused too; the box said "closed".
        lock (streams)
        {
            Assert.Empty(streams);
        }

        await Expect(page.Locator("#live-state")).ToHaveTextAsync(string.Empty);

        // Fixed: the list, then its stream.
        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined again", timestamp = DateTimeOffset.UtcNow, sequence = 2 }));
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["card declined again", "card declined"]);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task LiveTail_EventStoredBeforeTheStreamStarts_ShownOnTop()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Information", message = "listed", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        // The stream's request held before it reaches the collector: it starts after the event below is stored.
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/api/events/stream", async route =>
        {
            asked.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        var rows = page.Locator("#events-table tbody tr td.msg");

        await page.GotoAsync(collector.BaseAddress + "?user=tess&live=1");
        await Expect(rows).ToHaveTextAsync(["listed"]);
        await asked.Task;
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Warning", message = "between the list and the stream", timestamp = DateTimeOffset.UtcNow, sequence = 2 }));
        release.SetResult();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");

        // Before: never shown (the list had been read before it, the stream began after it).
        await Expect(rows).ToHaveTextAsync(["between the list and the stream", "listed"]);
        await Expect(page.Locator("#events-table tbody tr.live-new td.msg")).ToHaveTextAsync("between the list and the stream");
        await Expect(page.Locator("#status")).ToHaveTextAsync("2 events");
        Assert.Empty(dialogs);
    }
}
