using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// A bad search value is said once, above the list: a level or time edited into a link is read by the page itself (no
/// request: the API's refusal of the list, of the summary and of the live tail each put a 400 in the browser's console),
/// and a value only the API can judge (a search's grammar) is refused once, by the list's request; the summary is asked
/// only after the list is answered.
/// </summary>
public sealed class BadSearchValueConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Theory]
    [InlineData("levels=Eror", "[data-level=Error]", "the link's levels name 'Eror', which is none of Trace, Debug, Information, Warning, Error, Critical")]
    [InlineData("from=yesterday&live=1", "[data-range=all]", "the link's from 'yesterday' is no date and time; write it as 2026-12-05T14:30Z (UTC) or 2026-12-05T14:30+01:00")]
    [InlineData("to=2026-13-45", "[data-range=all]", "the link's to '2026-13-45' is no date and time; write it as 2026-12-05T14:30Z (UTC) or 2026-12-05T14:30+01:00")]
    [InlineData("from=2026-12-05T14:30%2001:00", "[data-range=all]", "the link's from '2026-12-05T14:30 01:00' is no date and time; write it as 2026-12-05T14:30Z (UTC) or 2026-12-05T14:30+01:00; a '+' in a link means a space: write the offset's + as %2B, or the time in UTC with Z")]
    public async Task Timeline_LinkWithBadLevelOrTime_SaidOnceWithoutAskingTheApi(string parameter, string fix, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/events", StringComparison.Ordinal))
            {
                lock (asked)
                {
                    asked.Add(request.Url);
                }
            }
        };

        await page.GotoAsync(collector.BaseAddress + "?user=tess&" + parameter);

        await Expect(page.Locator("#events-error")).ToHaveTextAsync("Could not load events: " + reason);
        await Expect(page.Locator("#status")).ToHaveTextAsync(string.Empty);
        await Expect(page.Locator("#histogram")).ToBeHiddenAsync();
        // Before: the list's, the summary's (and the live tail's) requests, each refused with a 400 the browser's console
        // showed, and the reason quoted the time as the page rewrote it ('2026-13-45T00:00Z').
        lock (asked)
        {
            Assert.Empty(asked);
        }

        await page.Locator(fix).ClickAsync();
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["card declined"]);
        await Expect(page.Locator("#events-error")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>Every spelling the API takes for a level (LevelNames.Accepted) lists as the API does, its button pressed.</summary>
    [Theory]
    [InlineData("error")]
    [InlineData("ERR")]
    [InlineData("Fail")]
    [InlineData("4")]
    public async Task Timeline_LinkWithLevelInAnotherSpelling_ListedWithItsButtonPressed(string spelling)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-2), sequence = 1 },
            new { level = "Information", message = "paid", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=tess&levels=" + spelling);

        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["card declined"]);
        await Expect(page.Locator("[data-level=Error]")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_SearchTheApiRefuses_OneRequestRefusedAndNoSummaryAsked()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/events", StringComparison.Ordinal))
            {
                lock (asked)
                {
                    asked.Add(new Uri(request.Url).AbsolutePath);
                }
            }
        };

        await page.GotoAsync(collector.BaseAddress + "?user=tess&q=%22card");

        await Expect(page.Locator("#events-error")).ToHaveTextAsync("Could not load events: parameter 'q' has a quote that is not closed at position 1 (phrases are \"in quotes\")");
        await Expect(page.Locator("#timeline-view")).Not.ToHaveAttributeAsync("aria-busy", "true");
        // Before: the summary was asked with the list, before its answer: two 400s for one reason.
        lock (asked)
        {
            Assert.Equal(["/api/events"], asked);
        }

        // Fixed: the list, then its bars.
        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#histogram")).ToBeVisibleAsync();
        await Expect(page.Locator("#histogram-caption")).ToContainTextAsync("1 event");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The Download links of a list the API refused led to the export of the same refused query: a click gave a failed
    /// download and no reason. They lead nowhere until the list loads, as for a range the page itself cannot use.
    /// </summary>
    [Fact]
    public async Task Timeline_SearchTheApiRefuses_NoDownloadUntilTheSearchIsFixed()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/tess", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=tess&q=%22card");

        await Expect(page.Locator("#events-error")).ToContainTextAsync("has a quote that is not closed");
        // Before: /api/events/export?user=tess&q=%22card&format=csv, which the API refuses as it refused the list.
        Assert.Null(await page.Locator("#download-csv").GetAttributeAsync("href"));
        Assert.Null(await page.Locator("#download-ndjson").GetAttributeAsync("href"));

        await page.Locator("#timeline-q").FillAsync("\"card declined\"");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#download-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("format=csv"));
        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-csv").ClickAsync());
        Assert.Contains("card declined", await File.ReadAllTextAsync(await csv.PathAsync()), StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }
}
