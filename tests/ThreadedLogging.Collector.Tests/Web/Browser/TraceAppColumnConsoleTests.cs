using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium at 1366×768, the first hour of support: ann's crash opened from her timeline, its trace id followed
/// to the trace through the desktop app and its API, the crash still open beside it. Each row of the trace says which app
/// logged it: the app column was hidden while the detail was open (and below 900 px), so which row was the API's failure
/// and which the desktop's could be read only by opening each one. A user's own timeline hides it as before.
/// </summary>
public sealed class TraceAppColumnConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string User = "ann.berg@contoso.com";

    [Fact]
    public async Task Trace_WithTheCrashOpenBesideIt_EachRowSaysItsApp()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1366, height: 768);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        var rows = page.Locator("#events-table tbody tr");
        await rows.Filter(new() { HasText = "Unhandled exception" }).Locator("a.open-event").ClickAsync();
        await Expect(page.Locator("#detail pre.exception")).ToContainTextAsync("Object reference not set");
        // A user's own timeline: the detail beside the list takes the app column, as before.
        await Expect(page.Locator("#events-table th.col-app")).ToBeHiddenAsync();

        await page.Locator("#detail-body a.trace-link").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Expect(page.Locator("#events-table th.col-app")).ToBeVisibleAsync(); // before: hidden with the detail open
        await Expect(rows.Locator("td.msg")).ToContainTextAsync(["Unhandled exception", "Tax table lookup failed", "POST /v2/invoices/INV-1019/recalculate"]);
        await Expect(rows.Locator("td.col-app")).ToHaveTextAsync(["Payroll 2.4.1", "Payroll.Api 5.0.2", "Payroll.Api 5.0.2"]);
        await ChromiumFixture.ScreenshotAsync(page, "103-trace-apps-beside-the-detail");

        // Narrower than 900 px, the detail under the list: the trace's rows say their app there too.
        await page.SetViewportSizeAsync(800, 768);
        await Expect(rows.First.Locator("td.col-app")).ToBeVisibleAsync();
        Assert.Empty(dialogs);
    }

    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), JsonSerializer.Serialize(new
        {
            app = "Payroll",
            version = "2.4.1",
            machine = "PC-ANN-01",
            instanceId = "desk-1",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-9), message = "Invoice INV-1019 opened", sequence = 1 },
                new
                {
                    timestamp = now.AddMinutes(-5), level = "Critical", message = "Unhandled exception", traceId = Trace, sequence = 2,
                    exception = new { type = "System.NullReferenceException", message = "Object reference not set to an instance of an object.", stackTrace = "   at Payroll.Desktop.Invoices.InvoiceEditor.Recalculate(Invoice invoice)" },
                },
            },
        }));
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), JsonSerializer.Serialize(new
        {
            app = "Payroll.Api",
            version = "5.0.2",
            machine = "web-01",
            instanceId = "api-1",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-7), message = "POST /v2/invoices/INV-1019/recalculate", traceId = Trace, sequence = 1 },
                new { timestamp = now.AddMinutes(-6), level = "Error", message = "Tax table lookup failed", traceId = Trace, sequence = 2 },
            },
        }));
        return collector;
    }
}
