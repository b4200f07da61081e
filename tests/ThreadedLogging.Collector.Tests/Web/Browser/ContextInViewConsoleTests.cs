using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: "Context" (the 20 events of its process before and after an event) opens with the event still
/// in view. Under the detail's other sections, the context's selected row was scrolled into view, which scrolled the
/// detail's exception out of it: support lost what they opened the event for.
/// </summary>
public sealed class ContextInViewConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Context_Opened_TheExceptionAndTheEventsMarkedRowStayInView()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(1, 41).Select(i => i == 21
            ? (object)new
            {
                timestamp = start.AddSeconds(i),
                level = "Error",
                message = "Import failed",
                sequence = i,
                exception = new { type = "System.InvalidOperationException", message = "Ledger closed", stackTrace = "   at Ledger.Post()\n   at Import.Run()\n   at Import.Main()" },
            }
            : new { timestamp = start.AddSeconds(i), level = "Information", message = $"Step {i} of the import", sequence = i });
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null, [.. events]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "Import failed" }).ClickAsync();
        await Expect(page.Locator("#detail pre.exception")).ToBeInViewportAsync();
        await page.Locator("#detail-context").ClickAsync();

        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(41);
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("Import failed");
        await Expect(selected).ToBeInViewportAsync();
        await Expect(page.Locator("#detail pre.exception")).ToBeInViewportAsync();
        await Expect(selected).ToHaveAttributeAsync("aria-current", "true");
        await ChromiumFixture.ScreenshotAsync(page, "95-context-in-view");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Context_CrashIsTheProcesssLastEvent_ItsRowWhollyInsideTheContextBox()
    {
        // A crash: the process logged nothing after it (20 before, 0 after). Its row was cut off at the box's bottom.
        await using var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(1, 21).Select(i => i == 21
            ? (object)new
            {
                timestamp = start.AddSeconds(i),
                level = "Critical",
                message = "Unhandled exception, the app is closing",
                sequence = i,
                exception = new { type = "System.NullReferenceException", message = "Object reference not set to an instance of an object.", stackTrace = string.Join('\n', Enumerable.Range(1, 14).Select(f => $"   at Import.Step{f}() in C:\\src\\Import.cs:line {f * 10}")) },
            }
            : new { timestamp = start.AddSeconds(i), level = "Information", message = $"Step {i} of the import", sequence = i });
        await Http.PostStoredAsync(collector.Client, "log/ivy", Http.Envelope(null, [.. events]));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "the app is closing" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();

        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(21);
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("the app is closing");
        // All of it, inside the box's visible part (the viewport's check clips by the scrolling boxes around it).
        await Expect(selected).ToBeInViewportAsync(new() { Ratio = 1 });
        var hidden = await selected.EvaluateAsync<double>(
            "row => { const box = row.closest('.context-scroll'); const top = box.getBoundingClientRect().top + box.clientTop; const r = row.getBoundingClientRect(); " +
            "return Math.max(0, r.bottom - (top + box.clientHeight), top - r.top); }");
        Assert.Equal(0, hidden);
        await ChromiumFixture.ScreenshotAsync(page, "96-context-last-event-in-view");
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// On a phone (390 px) the message column of the context is narrow, and the marked row of an error whose exception says
    /// a long file path ran taller than the context's box: centred in it, its top (its time, its level, the start of its
    /// message) was above the box, scrolled away. Its row now starts inside the box, its exception's line cut to three.
    /// </summary>
    [Fact]
    public async Task Context_OnAPhone_ALongExceptionsMarkedRowStartsInsideTheBox()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        const string FilePath = @"C:\Users\bob\AppData\Local\Temp\INV-20931.pdf";
        var events = Enumerable.Range(1, 41).Select(i => i == 21
            ? (object)new
            {
                timestamp = start.AddSeconds(i),
                level = "Error",
                message = "Invoice export failed for INV-20931",
                sequence = i,
                exception = new { type = "System.IO.IOException", message = $"The process cannot access the file '{FilePath}' because it is being used by another process.", stackTrace = "   at Shop.Invoices.PdfWriter.Write(Stream s)" },
            }
            : new { timestamp = start.AddSeconds(i), level = "Information", message = $"Step {i} of the export", sequence = i });
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null, [.. events]));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=bob");
        await page.Locator("#events-table tbody tr", new() { HasText = "Invoice export failed" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();

        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(41);
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("Invoice export failed");
        await ChromiumFixture.ScreenshotAsync(page, "97-context-phone-long-exception");
        // Before: its top 14 px above the box (the row taller than the box, centred in it).
        var above = await selected.EvaluateAsync<double>(
            "row => { const box = row.closest('.context-scroll'); return box.getBoundingClientRect().top + box.clientTop - row.getBoundingClientRect().top; }");
        Assert.True(above <= 0, $"the marked row's top {above} px above the context's box");
        await Expect(selected.Locator("td.time a, td.time").First).ToBeInViewportAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The context's heading names the process instance as it is stored: the detail's headings are set in capitals
    /// (app.css), which made "6e1a82c379fe458d" read, and copy, as "6E1A82C379FE458D", an id the exact <c>instance=</c>
    /// filter finds nothing of.
    /// </summary>
    [Fact]
    public async Task Context_Heading_TheInstanceIdAsStoredNotInCapitals()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string Instance = "6e1a82c379fe458d";
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Http.PostStoredAsync(collector.Client, "log/ivy", System.Text.Json.JsonSerializer.Serialize(new
        {
            app = "Payroll",
            version = "2.4.0",
            machine = "LT-IVY",
            instanceId = Instance,
            events = new object[]
            {
                new { timestamp = start, level = "Information", message = "Opened payslip 7", sequence = 1 },
                new { timestamp = start.AddSeconds(1), level = "Critical", message = "Unhandled exception", sequence = 2 },
            },
        }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=ivy");
        await page.Locator("#events-table tbody tr", new() { HasText = "Unhandled exception" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(2);

        // As shown (innerText applies text-transform; textContent does not): before, "CONTEXT: INSTANCE 6E1A82C379FE458D, …".
        var heading = await page.Locator("#detail-body h3", new() { HasText = "Context: instance" }).InnerTextAsync();
        Assert.Equal("CONTEXT: INSTANCE " + Instance + ", 1 BEFORE, 0 AFTER", heading);
        Assert.Empty(dialogs);
    }
}
