using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, with the text support meets (long categories, user names and messages, an unbroken token, a
/// long property): what a support person must read stays on screen. Beside the event detail each row keeps its
/// message; a property's filter button reads "filter"; on a phone (390 px) the rows show their messages, nothing runs
/// off the side of the page, the detail covers the list until closed and its context keeps its messages.
/// </summary>
public sealed class ConsoleLayoutTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Category = "Payroll.Services.Ledger.Posting.VeryLongCategoryNameOfTheLedgerPostingService";

    private static readonly string LongMessage = "Posting failed " + string.Join(' ', Enumerable.Repeat("because the ledger was closed", 30));

    [Fact]
    public async Task Detail_OpenBesideTheList_EveryRowKeepsItsMessageOnScreen()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        var first = page.Locator("#events-table tbody tr").First;
        await Expect(first.Locator("td.col-category")).ToBeVisibleAsync();

        await first.ClickAsync();

        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("Posting failed for order 3");
        await Expect(first.Locator("td.msg")).ToBeInViewportAsync(); // before, pushed off the right by app, machine and category
        await Expect(page.Locator("#events-table tbody tr").Nth(1).Locator("td.msg")).ToBeInViewportAsync();
        await Expect(first.Locator("td.col-category")).ToBeHiddenAsync(); // the detail says it
        await Expect(page.Locator("#detail")).ToContainTextAsync(Category);

        await page.Locator("#detail-close").ClickAsync();
        await Expect(first.Locator("td.col-category")).ToBeVisibleAsync();
        await Expect(first.Locator("td.col-category")).ToHaveAttributeAsync("title", Category); // cut with an ellipsis, whole in its title
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_PropertiesWithLongNamesAndValues_EachFilterButtonReadsOnOneLine()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));

        await page.Locator("#events-table tbody tr").First.ClickAsync();

        var buttons = page.Locator("#detail .props .property-filter");
        await Expect(buttons).ToHaveCountAsync(3); // OrderId, Token and the long name: the object has none
        foreach (var button in await buttons.AllAsync())
        {
            // One line box: before, a long unbroken value squeezed the button's column to a letter's width ("f/i/l/t/e/r").
            Assert.Equal(1, await button.EvaluateAsync<int>("b => { const r = document.createRange(); r.selectNodeContents(b); return r.getClientRects().length; }"));
        }

        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Phone_TimelineDetailAndContext_MessagesOnScreenNothingOffTheSide()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await Expect(rows).ToHaveCountAsync(3);
        await rows.First.Locator("td.msg").ScrollIntoViewIfNeededAsync();
        await Expect(rows.First.Locator("td.msg")).ToBeInViewportAsync();
        await Expect(page.Locator("#top-values [aria-label='Messages'] .value")).ToHaveCountAsync(3);
        Assert.True(await FitsAcrossAsync(page), "the timeline runs off the side of a 390 px screen");
        await ChromiumFixture.ScreenshotAsync(page, "70-phone-timeline");

        await rows.First.ClickAsync();

        await Expect(page.Locator("#detail .message")).ToBeInViewportAsync();
        await Expect(page.Locator("#detail-close")).ToBeInViewportAsync();
        Assert.True(await FitsAcrossAsync(page), "the detail runs off the side of a 390 px screen");
        await page.Locator("#detail-context").ClickAsync();
        await Expect(page.Locator("#detail .context-list tr.selected td.msg")).ToContainTextAsync("Posting failed for order 3");
        await Expect(page.Locator("#detail .context-list tr.selected td.msg .row-exception")).ToHaveTextAsync("System.InvalidOperationException: Ledger closed");
        await Expect(page.Locator("#detail .context-list tr.selected td.level")).ToBeVisibleAsync(); // before, hidden below 900 px
        await ChromiumFixture.ScreenshotAsync(page, "71-phone-detail");

        await page.Locator("#detail-close").ClickAsync();
        await Expect(page.Locator("#detail")).ToBeHiddenAsync();
        await Expect(rows.First.Locator("td.msg")).ToBeVisibleAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Phone_UsersList_LatestErrorOnScreenNothingOffTheSide()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());

        var row = page.Locator("#users-table tbody tr").First;
        await Expect(row.Locator("td.user")).ToHaveTextAsync(User);
        await Expect(row.Locator("td.error-cell")).ToBeInViewportAsync();
        Assert.True(await FitsAcrossAsync(page), "the users list runs off the side of a 390 px screen");
        await ChromiumFixture.ScreenshotAsync(page, "72-phone-users");
        Assert.Empty(dialogs);
    }

    [Theory]
    [InlineData(1280, 800, "73-users-latest-error-clamped")]
    [InlineData(390, 844, "74-phone-users-latest-error-clamped")]
    public async Task UsersList_LatestErrorOfALongUnbrokenToken_TwoLinesAtMostWholeInItsTitle(int width, int height, string screenshot)
    {
        await using var collector = await SeedAsync();
        var token = "https://payments.example.com/api/v2/callback?session=" + string.Concat(Enumerable.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy", 20));
        var body = JsonSerializer.Serialize(new { instanceId = "inst-2", events = new[] { new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "Callback refused " + token + "\u202E", sequence = 1 } } }); // ends with a right-to-left override
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "log/erin", Http.Utf8(body), "application/json")).Status);
        var (context, page, dialogs) = await chromium.NewPageAsync(width: width, height: height);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());

        var cell = page.Locator("#users-table tbody tr[data-user='erin'] td.error-cell");
        await Expect(cell).ToContainTextAsync("Callback refused https://payments.example.com/");
        await ChromiumFixture.ScreenshotAsync(page, screenshot);
        var box = await cell.Locator(".latest-error").EvaluateAsync<double[]>(
            "e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)]");
        // At most two lines of text (before: eight at 1280 px); the time after it still shows.
        Assert.InRange(box[0], box[1] * 0.9, box[1] * 2.1);
        await Expect(cell.Locator(".status")).ToBeVisibleAsync();
        // Whole in its title, the override shown as [U+202E] as in the cell (a tooltip must not read otherwise than the page).
        await Expect(cell).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^Callback refused " + System.Text.RegularExpressions.Regex.Escape(token) + "\\[U\\+202E\\]\\n"));
        Assert.True(await FitsAcrossAsync(page), $"the users list runs off the side of a {width} px screen");

        await cell.ClickAsync();
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("Callback refused " + token + "[U+202E]"); // the detail has all of it
        Assert.Empty(dialogs);
    }

    private const string User = "dave.with.a.very.long.user.name@example-corporation.com";

    /// <summary>Whether the page is no wider than the window: nothing to scroll sideways to.</summary>
    private static Task<bool> FitsAcrossAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    /// <summary>A collector with three events of one user: an error with a long unbroken value, a long message, an unbroken token.</summary>
    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Payroll",
            version = "4.1.0+abcdef0123456789",
            machine = "PC-042",
            instanceId = "inst-1",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-3), level = "Information", category = Category, message = "Token" + new string('Z', 400), sequence = 1 },
                new { timestamp = now.AddMinutes(-2), level = "Warning", category = Category, message = LongMessage, sequence = 2 },
                new
                {
                    timestamp = now.AddMinutes(-1), level = "Error", category = Category, template = "Posting failed for order {OrderId}", message = "Posting failed for order 3", sequence = 3,
                    properties = new Dictionary<string, object>
                    {
                        ["OrderId"] = 3,
                        ["Token"] = new string('x', 300),
                        ["AVeryLongPropertyNameThatGoesOnAndOnWithoutAnyBreakAtAllInIt"] = "short",
                        ["Nested"] = new { Deep = new[] { 1, 2, 3 } },
                    },
                    exception = new { type = "System.InvalidOperationException", message = "Ledger closed", text = "System.InvalidOperationException: Ledger closed\n   at Payroll.VeryLongNamespace.WithManyParts.AndAClassName`1.Post(String argument) in /home/build/agent/_work/1/s/src/Payroll/Ledger.cs:line 42" },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + Uri.EscapeDataString(User), Http.Utf8(body), "application/json");
        if (status != HttpStatusCode.OK)
        {
            await collector.DisposeAsync();
            Assert.Fail($"{(int)status}: {text}");
        }

        return collector;
    }
}
