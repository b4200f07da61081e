using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The live tail's console tests' start: a collector holding lena's two events ("old 1" and "old 2", 10 and 9 minutes
/// before <see cref="Now"/>), and the support page on her events with the live tail on, both rows shown and connected.
/// </summary>
internal sealed class LiveTailPage : IAsyncDisposable
{
    private LiveTailPage(CollectorFixture collector, IBrowserContext context, IPage page, List<string> dialogs, DateTimeOffset now) =>
        (Collector, Context, Page, Dialogs, Now) = (collector, context, page, dialogs, now);

    public CollectorFixture Collector { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Gets the dialogs the page opened (an XSS would open one).</summary>
    public List<string> Dialogs { get; }

    /// <summary>Gets the time the two events were written back from.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Gets the list's rows.</summary>
    public ILocator Rows => Page.Locator("#events-table tbody tr");

    public static async Task<LiveTailPage> OpenAsync(ChromiumFixture chromium)
    {
        var collector = await CollectorFixture.StartAsync();
        IBrowserContext context;
        IPage page;
        List<string> dialogs;
        try
        {
            (context, page, dialogs) = await chromium.NewPageAsync();
        }
        catch
        {
            // No page to hand the collector to: it was left running (its port, its data folder) for the test run's life.
            await collector.DisposeAsync();
            throw;
        }

        var opened = new LiveTailPage(collector, context, page, dialogs, DateTimeOffset.UtcNow);
        try
        {
            await opened.PostAsync(
                new { level = "Information", message = "old 1", timestamp = opened.Now.AddMinutes(-10), sequence = 1 },
                new { level = "Information", message = "old 2", timestamp = opened.Now.AddMinutes(-9), sequence = 2 });
            await page.GotoAsync(collector.BaseAddress + "?user=lena&live=1");
            await Expect(opened.Rows).ToHaveCountAsync(2);
            await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stores lena's <paramref name="events"/> (anonymous objects of the JsonBatch event's fields).</summary>
    public Task PostAsync(params object[] events) => Http.PostStoredAsync(Collector.Client, "log/lena", Http.Envelope(null, events));

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        await Collector.DisposeAsync();
    }
}
