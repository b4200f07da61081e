using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, a record sent by CPython's logging.handlers.HTTPHandler: where it was logged (pathname, lineno,
/// funcName) and its stack_info are shown once, in their own sections, not again under Properties (support walkthrough:
/// each was listed twice); the place keeps the filter button the Properties table gave it. An event of another form (CLEF)
/// with properties of those names keeps them under Properties, with no Python section.
/// </summary>
public sealed class PythonDetailConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Markup = "<b>rush</b>";

    private const string Script = """
        import logging, logging.handlers, sys
        host, user = sys.argv[1], sys.argv[2]
        log = logging.getLogger('shop.orders')
        log.propagate = False
        log.addHandler(logging.handlers.HTTPHandler(host, '/log/' + user, method='POST'))
        log.setLevel(logging.INFO)
        def checkout(order):
            log.warning('Order %d held', order, extra={'OrderId': order, 'Note': sys.argv[3]}, stack_info=True)
        checkout(42)
        log.info('cart opened')
        """;

    [Fact]
    public async Task Detail_PythonRecord_PlaceAndStackInfoShownOnce_FilterOnFuncNameKept()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PythonProcess.RunAsync(Script, collector.BaseAddress.Authority, "pia", Markup);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress + "?user=pia");
        await Expect(rows).ToHaveCountAsync(2);
        await rows.Filter(new() { HasText = "Order 42 held" }).ClickAsync();
        var detail = page.Locator("#detail-body");
        await Expect(detail.Locator("h3", new() { HasText = "Properties" })).ToBeVisibleAsync();

        // Before: each also a row of the Properties table (2 of each).
        foreach (var name in new[] { "pathname", "lineno", "funcName", "stack_info" })
        {
            await Expect(detail.GetByText(name, new() { Exact = true })).ToHaveCountAsync(1);
        }

        await Expect(detail.Locator("table.props th")).ToHaveTextAsync(["OrderId", "Note"]);
        await Expect(detail.Locator("table.props td", new() { HasText = Markup })).ToHaveCountAsync(1); // the extra= value as text
        await Expect(detail.Locator("dd", new() { HasText = "checkout" })).ToContainTextAsync("checkout filter");
        await Expect(detail.Locator("h3 + pre", new() { HasText = "in checkout" })).ToBeVisibleAsync(); // stack_info, in its section

        await detail.GetByRole(AriaRole.Button, new() { Name = "Filter on funcName = checkout", Exact = true }).ClickAsync();

        await Expect(page.Locator("#property-chips .chip > span")).ToHaveTextAsync(["funcName = checkout"]);
        await Expect(rows).ToHaveCountAsync(1);
        Assert.Contains("property=funcName%3Dcheckout", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#detail b").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_ClefEventWithPropertiesNamedAsPythonsFields_ListedUnderProperties_NoPythonSection()
    {
        // A Serilog app's event whose template holes and enrichers happen to bear a LogRecord's names.
        await using var collector = await CollectorFixture.StartAsync();
        var clef = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@t"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["@mt"] = "Module {module} loaded by process {process} at line {lineno}",
            ["module"] = "billing",
            ["process"] = "import-job",
            ["lineno"] = 12,
            ["threadName"] = "worker-3",
            ["UserName"] = "cleo",
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(clef + "\n"), "application/vnd.serilog.clef");
        Assert.True(status == HttpStatusCode.Created || status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");

        await page.GotoAsync(collector.BaseAddress + "?user=cleo");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.First.ClickAsync();
        var detail = page.Locator("#detail-body");

        // Before: module, process, threadName and lineno moved out of Properties into a section headed "Python".
        await Expect(detail.Locator("table.props th")).ToHaveTextAsync(["module", "process", "lineno", "threadName", "UserName"]);
        await Expect(detail.Locator("h3", new() { HasText = "Python" })).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }
}
