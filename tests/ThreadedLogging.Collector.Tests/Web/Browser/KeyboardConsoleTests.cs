using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, with the keyboard only: the users list's latest error and every event row are reached with Tab
/// and opened with Enter, with a visible focus. The cell and the rows were no controls (a row only took j/k and Enter
/// once selected): support staff who use the keyboard could not open an event by Tab.
/// </summary>
public sealed class KeyboardConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Presses Tab until the focus is on an element <paramref name="selector"/> matches, at most <paramref name="presses"/> times.</summary>
    private static async Task TabToAsync(IPage page, string selector, int presses = 80)
    {
        for (var i = 0; i < presses; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
        }

        Assert.Fail($"{presses} presses of Tab never reached {selector}; the focus is on {await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'")}");
    }

    /// <summary>The focused element draws an outline (its focus is seen).</summary>
    private static async Task AssertFocusVisibleAsync(IPage page)
    {
        var outline = await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }");
        Assert.DoesNotContain("none", outline, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b0px$", outline);
    }

    [Fact]
    public async Task UsersList_TabToTheLatestErrorAndEnter_OpensThatErrorOnTheUsersTimeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/kai", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = now.AddMinutes(-2), sequence = 1 },
            new { level = "Information", message = "retried", timestamp = now.AddMinutes(-1), sequence = 2 }));
        var errorId = (await collector.GetJsonAsync("api/events?user=kai&levels=Error")).GetProperty("events")[0].GetProperty("id").GetRawText();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(1);

        await TabToAsync(page, "#users-table .error-cell a");
        await AssertFocusVisibleAsync(page);
        await Expect(page.Locator(":focus")).ToHaveTextAsync("card declined");
        await ChromiumFixture.ScreenshotAsync(page, "80-keyboard-latest-error");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("card declined");
        Assert.Contains("user=kai", page.Url, StringComparison.Ordinal);
        Assert.Contains("event=" + errorId, page.Url, StringComparison.Ordinal);

        // Back on the list, the user's name is a control too: Enter opens the timeline.
        await page.GoBackAsync();
        await TabToAsync(page, "#users-table td.user a");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync("kai");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(2);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_TabToARowAndEnter_OpensThatEventAndItsContextRowsAreControlsToo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/lea", JsonSerializer.Serialize(new
        {
            app = "Shop",
            instanceId = "inst-lea",
            events = new object[]
            {
                new { level = "Information", message = "cart opened", timestamp = now.AddMinutes(-3), sequence = 1 },
                new { level = "Error", message = "<b>payment</b> failed", timestamp = now.AddMinutes(-2), sequence = 2 },
                new { level = "Information", message = "cart closed", timestamp = now.AddMinutes(-1), sequence = 3 },
            },
        }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=lea");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        // The newest row's control, then Tab once more: the next row's.
        await TabToAsync(page, "#events-table tbody tr:nth-child(1) a");
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.matches('#events-table tbody tr:nth-child(2) a')"));
        await AssertFocusVisibleAsync(page);
        await ChromiumFixture.ScreenshotAsync(page, "81-keyboard-event-row");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("<b>payment</b> failed");
        await Expect(rows.Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        // Esc closes it; the focus is still on that row's control, so Enter opens it again.
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#detail")).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("<b>payment</b> failed");

        // The context list: its other rows are controls as well.
        await page.Locator("#detail-context").ClickAsync();
        var contextRows = page.Locator("#detail-body .context-list tbody tr");
        await Expect(contextRows).ToHaveCountAsync(3);
        await Expect(contextRows.Nth(1).Locator("a")).ToHaveCountAsync(0); // the open one
        await contextRows.Nth(0).Locator("a").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("cart opened");
        Assert.Contains("ctx=1", page.Url, StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Reading down a user's events with j, Esc to see the list whole, then j again: Esc took the selection away, and j
    /// opened the newest row, support's place lost at each close. The row last open keeps a mark (last-open) and j and k
    /// go on from it, Enter opens it again.
    /// </summary>
    [Fact]
    public async Task Timeline_DetailClosedWithEscape_JKAndEnterGoOnFromTheRowLastOpen()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/mo", Http.Envelope(null,
            new { level = "Information", message = "cart opened", timestamp = now.AddMinutes(-4), sequence = 1 },
            new { level = "Information", message = "card entered", timestamp = now.AddMinutes(-3), sequence = 2 },
            new { level = "Error", message = "payment failed", timestamp = now.AddMinutes(-2), sequence = 3 },
            new { level = "Information", message = "cart closed", timestamp = now.AddMinutes(-1), sequence = 4 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var (rows, message, detail) = (page.Locator("#events-table tbody tr"), page.Locator("#detail-body .message"), page.Locator("#detail"));
        await page.GotoAsync(collector.BaseAddress + "?user=mo");
        await Expect(rows).ToHaveCountAsync(4);
        await page.Locator("body").FocusAsync();

        await page.Keyboard.PressAsync("j");
        await Expect(message).ToHaveTextAsync("cart closed");
        await page.Keyboard.PressAsync("j");
        await Expect(message).ToHaveTextAsync("payment failed");
        await page.Keyboard.PressAsync("Escape");
        await Expect(detail).ToBeHiddenAsync();

        // Before: "cart closed", the newest row, again.
        await page.Keyboard.PressAsync("j");
        await Expect(message).ToHaveTextAsync("card entered");
        await page.Keyboard.PressAsync("Escape");
        await Expect(detail).ToBeHiddenAsync();
        await Expect(rows.Nth(2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blast-open\b"));
        await Expect(page.Locator("#events-table tbody tr.selected")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("k");
        await Expect(message).ToHaveTextAsync("payment failed");
        await page.Keyboard.PressAsync("Escape");
        await Expect(detail).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(message).ToHaveTextAsync("payment failed");
        await Expect(rows.Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        await Expect(page.Locator("#events-table tbody tr.last-open")).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }
}
