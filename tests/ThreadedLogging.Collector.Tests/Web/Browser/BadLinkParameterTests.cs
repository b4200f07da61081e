using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// A link whose range or users window was edited into something the console does not know: the status says which
/// value and what it may be, as the API's 400s do, instead of listing every event or blaming the collector.
/// </summary>
public sealed class BadLinkParameterTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Theory]
    [InlineData("99y")]
    [InlineData("constructor")] // a name every plain object has: read as a known range, the page broke (RangeError)
    [InlineData("__proto__")]
    public async Task Timeline_LinkWithUnknownRange_StatusSaysWhichAndNoRows(string range)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/sam", Http.Envelope(null,
            new { level = "Information", message = "two days ago", timestamp = DateTimeOffset.UtcNow.AddDays(-2), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=sam&range=" + range);

        // Before: read as "all", the event of two days ago listed under a range no button shows. Said above the list.
        await Expect(page.Locator("#events-error")).ToHaveTextAsync($"Could not load events: the link's range '{range}' is none of 15m, 1h, 24h, 7d, 30d or all");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(0);
        Assert.Null(await page.Locator("#download-csv").GetAttributeAsync("href"));

        // A preset button makes it a range the page knows.
        await page.Locator("[data-range=all]").ClickAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToHaveTextAsync("1 event");
        Assert.Empty(dialogs);
    }

    [Theory]
    [InlineData("99y")]
    [InlineData("constructor")] // read as a known window: "(last constructor)", then a RangeError instead of the notice
    [InlineData("toString")]
    public async Task UsersList_LinkWithUnknownWindow_StatusSaysWhichNotThatTheCollectorIsUnreachable(string window)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/sam", Http.Envelope(null,
            new { level = "Information", message = "hello", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?window=" + window);

        // Before: "The collector cannot be reached: Invalid time value", and no list.
        await Expect(page.Locator("#status")).ToHaveTextAsync($"Could not load users: the link's window '{window}' is none of 1h, 24h, 7d or 30d");
        await Expect(page.Locator("#status")).ToHaveClassAsync(new Regex(@"\berror\b"));

        await page.Locator("#users-window").SelectOptionAsync("7d");
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(1);
        Assert.Empty(dialogs);
    }

    [Theory]
    [InlineData(")")] // a link pasted inside parentheses: the closing one taken into the address
    [InlineData(".")]
    [InlineData("0")] // 20 digits: past the largest id
    public async Task Detail_LinkWithEventIdCutOrEdited_SaysWhichWithoutAskingTheApi(string added)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/sam", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var id = (await collector.EventsAsync("user=sam")).Single().GetProperty("id").GetRawText();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var refused = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (refused)
                {
                    refused.Add(response.Status + " " + response.Url);
                }
            }
        };

        await page.GotoAsync(collector.BaseAddress + "?user=sam&event=" + id + Uri.EscapeDataString(added));

        // Before: "Could not load event 1883…): no endpoint at /api/events/1883…)", as if the collector lacked the API (a 404).
        await Expect(page.Locator("#detail-body")).ToHaveTextAsync($"Could not load event {id}{added}: the link's event '{id}{added}' is no event id (digits only, up to 9223372036854775807)");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToHaveTextAsync("1 event");
        Assert.Empty(refused);

        // The row's own link opens it.
        await page.Locator("#events-table tbody tr a.open-event").ClickAsync();
        await Expect(page.Locator("#detail-title")).ToContainTextAsync("Error · ");
        Assert.Empty(dialogs);
    }
}
