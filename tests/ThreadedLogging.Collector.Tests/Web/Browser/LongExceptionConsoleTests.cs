using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: an event whose exception has a 200-frame stack (a recursion, a deep framework call). Its text
/// filled the detail, about 3,000 px, and "Context" (the events around it) opened under it, below the fold: the detail
/// was scrolled only as far as kept the exception's heading in view, so the context's marked row was never shown. A long
/// exception now scrolls in a box of its own, its first lines shown, with a button that shows all of it.
/// </summary>
public sealed class LongExceptionConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Detail_ExceptionWith200Frames_ContextOpensInViewAndShowAllShowsEveryFrame()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var stack = string.Join("\n", Enumerable.Range(1, 200).Select(i => $"   at Shop.Cart.Recalculate(Int32 depth) in /src/Shop/Cart.cs:line {i}"));
        var events = Enumerable.Range(1, 41).Select(i => i == 21
            ? (object)new
            {
                timestamp = start.AddSeconds(i),
                level = "Error",
                message = "Checkout crashed",
                sequence = i,
                exception = new { type = "System.StackOverflowException", message = "Cart recursion too deep", stackTrace = stack },
            }
            : new { timestamp = start.AddSeconds(i), level = "Information", message = $"Step {i} of the checkout", sequence = i });
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null, [.. events]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var exception = page.Locator("#detail pre.exception");
        var toggle = page.Locator("#detail .exception-toggle");

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "Checkout crashed" }).ClickAsync();
        await Expect(exception).ToContainTextAsync("System.StackOverflowException: Cart recursion too deep");
        // Every frame is in the text (find in page, copy), the box shows its first lines.
        await Expect(exception).ToContainTextAsync("Cart.cs:line 200");
        await page.Locator("#detail-context").ClickAsync();

        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(41);
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("Checkout crashed");
        await Expect(selected).ToBeInViewportAsync(new() { Ratio = 1 });
        // The exception's first line (type and message) still shown, under the detail's bar.
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.getBoundingClientRect().top >= document.querySelector('#detail .detail-bar').getBoundingClientRect().bottom"), "the exception's first line is scrolled out of view");
        await Expect(exception).ToBeInViewportAsync();
        await ChromiumFixture.ScreenshotAsync(page, "96-long-exception-context-in-view");

        // "Show all": the whole stack, no box of its own to scroll; and back.
        await Expect(toggle).ToHaveTextAsync("Show all 201 lines");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveTextAsync("Show the first 8 lines");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.scrollHeight <= pre.clientHeight"), "the whole exception is shown");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.scrollHeight > pre.clientHeight"), "the exception scrolls in its box");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// An exception of one line whose message is a minified payload (20,000 characters, no "\n") wraps to hundreds of
    /// lines. The cap counted "\n"s, so it was never capped: the detail was thousands of pixels of it and the context
    /// under it out of view. The box is capped by its height in the page, and its button shown only when it has more
    /// than it shows: a short one-line exception has none.
    /// </summary>
    [Fact]
    public async Task Detail_OneLineExceptionOf20000Characters_CappedWithShowAll()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var payload = string.Concat(Enumerable.Range(1, 1000).Select(i => $"{{\"id\":{i:D5},\"sku\":\"A\"}},"))[..20_000];
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null,
            new
            {
                timestamp = start,
                level = "Error",
                message = "Import failed",
                sequence = 1,
                exception = new { type = "System.Text.Json.JsonException", message = payload },
            },
            new
            {
                timestamp = start.AddSeconds(1),
                level = "Error",
                message = "Short failure",
                sequence = 2,
                exception = new { type = "System.InvalidOperationException", message = "Cart is empty" },
            }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var exception = page.Locator("#detail pre.exception");
        var toggle = page.Locator("#detail .exception-toggle");

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "Import failed" }).ClickAsync();
        await Expect(exception).ToContainTextAsync("System.Text.Json.JsonException: {\"id\":00001");
        Assert.Equal(1, await exception.EvaluateAsync<int>("pre => pre.textContent.split('\\n').length"));
        // Before: no button, the whole payload shown (its box as high as its text).
        await Expect(toggle).ToBeVisibleAsync();
        await Expect(toggle).ToHaveTextAsync("Show all of it");
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.scrollHeight > 4 * pre.clientHeight"), "the payload scrolls in its box");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.scrollHeight <= pre.clientHeight"), "the whole payload is shown");

        // A short one: its line, no button.
        await page.Locator("#events-table tbody tr", new() { HasText = "Short failure" }).ClickAsync();
        await Expect(exception).ToContainTextAsync("System.InvalidOperationException: Cart is empty");
        Assert.True(await exception.EvaluateAsync<bool>("pre => pre.scrollHeight <= pre.clientHeight"), "a short exception fits its box");
        await Expect(toggle).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A message of 8,000 characters (an import's rejected rows, one line) filled the detail (3,250 px high at
    /// 1280×800): its exception, "Everyone around this time" and its fields were below the fold, and support scrolled
    /// past the whole text to reach them. The message is capped as a long exception is, with a button that shows all of
    /// it; its text is whole (find, copy).
    /// </summary>
    [Fact]
    public async Task Detail_MessageOf8000Characters_CappedLikeAnException_ItsExceptionInView_ShowAllShowsAllOfIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var rejected = "Import rejected rows: " + string.Join(";", Enumerable.Range(0, 200).Select(i => $"row {i}: bad IBAN DE{i:D20}"));
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null, new
        {
            timestamp = DateTimeOffset.UtcNow.AddMinutes(-1),
            level = "Error",
            message = rejected,
            sequence = 1,
            exception = new { type = "System.FormatException", message = "IBAN check digits", stackTrace = "   at Import.Iban.Check(String iban)" },
        }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;
        var message = page.Locator("#detail-body .message");
        var toggle = page.Locator("#detail .message-toggle");

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr").ClickAsync();
        await Expect(message).ToHaveTextAsync(rejected);
        await Expect(page.Locator("#detail pre.exception")).ToBeInViewportAsync();
        await Expect(page.Locator("#detail-body button.around-filter")).ToBeInViewportAsync();
        await ChromiumFixture.ScreenshotAsync(page, "97-long-message-capped");

        await Expect(toggle).ToHaveTextAsync("Show all of it");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveTextAsync("Show the first 8 lines");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.True(await message.EvaluateAsync<bool>("m => m.scrollHeight <= m.clientHeight"), "the whole message is shown");
        await toggle.ClickAsync();
        Assert.True(await message.EvaluateAsync<bool>("m => m.scrollHeight > m.clientHeight"), "the message scrolls in its box");

        // A short message: no button.
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null,
            new { timestamp = DateTimeOffset.UtcNow, level = "Information", message = "Import started", sequence = 2 }));
        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "Import started" }).ClickAsync();
        await Expect(message).ToHaveTextAsync("Import started");
        await Expect(toggle).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }
}
