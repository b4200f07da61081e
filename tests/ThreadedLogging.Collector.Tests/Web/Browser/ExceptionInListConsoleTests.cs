using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a timeline row shows its event's exception (type and message, or a traceback's last line) under
/// the message, as text: "Order 99 failed" alone said neither what failed nor why a search for "declined" listed it.
/// </summary>
public sealed class ExceptionInListConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>
    /// CPython's HTTPHandler (with the traceback as docs/WIRE-FORMAT.md §2 tells an app to send it) logging a group raised
    /// from a KeyError, and a RuntimeError raised while handling a ValueError raised from a KeyError.
    /// </summary>
    private const string ChainScript = """
        import logging, logging.handlers, sys
        host, path = sys.argv[1], sys.argv[2]

        class TracebackHTTPHandler(logging.handlers.HTTPHandler):
            def mapLogRecord(self, record):
                if record.exc_info and not record.exc_text:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                return super().mapLogRecord(record)

        log = logging.getLogger('shop')
        log.propagate = False
        log.addHandler(TracebackHTTPHandler(host, path, method='POST'))
        try:
            try:
                {}['order']
            except KeyError as err:
                raise ExceptionGroup('sync failed', [ValueError('a'), TypeError('b')]) from err
        except ExceptionGroup:
            log.error('Sync failed', exc_info=True)
        try:
            try:
                {}['cart']
            except KeyError as err:
                raise ValueError('no <b>cart</b>') from err
        except ValueError:
            try:
                raise RuntimeError('checkout failed')
            except RuntimeError:
                log.error('Checkout failed', exc_info=True)
        """;

    [Fact]
    public async Task TimelineRow_WithAnException_ShowsItsTypeAndMessageUnderTheMessage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            user = "erin",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-4), level = "Information", message = "cart opened" },
                new
                {
                    timestamp = now.AddMinutes(-3), level = "Error", message = "Order 99 failed",
                    exception = new
                    {
                        type = "System.InvalidOperationException", message = "Card declined", stackTrace = "   at Shop.Checkout.Pay()",
                        inner = new object[] { new { type = "System.IO.IOException", message = "socket closed" } },
                    },
                },
                new
                {
                    timestamp = now.AddMinutes(-2), level = "Error", message = "conversion failed",
                    exception = new { text = "Traceback (most recent call last):\n  File \"app.py\", line 3, in convert\nZeroDivisionError: division by zero\n" },
                },
                new
                {
                    timestamp = now.AddMinutes(-1), level = "Critical", message = "render failed",
                    exception = new { type = "System.FormatException", message = "<img src=x onerror=alert(1)>" },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/erin", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(rows.Nth(0).Locator("td.msg .row-exception")).ToHaveTextAsync("System.FormatException: <img src=x onerror=alert(1)>");
        await Expect(rows.Nth(1).Locator("td.msg .row-exception")).ToHaveTextAsync("ZeroDivisionError: division by zero");
        await Expect(rows.Nth(2).Locator("td.msg .row-exception")).ToHaveTextAsync("System.InvalidOperationException: Card declined");
        await Expect(rows.Nth(2).Locator("td.msg")).ToContainTextAsync("Order 99 failed");
        await Expect(rows.Nth(3).Locator("td.msg .row-exception")).ToHaveCountAsync(0);
        await ChromiumFixture.ScreenshotAsync(page, "70-exception-in-list");

        // A search that matched in the exception says why on the row itself.
        await page.GotoAsync(collector.BaseAddress + "?user=erin&q=declined");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("td.msg")).ToContainTextAsync("Card declined");

        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A .NET exception sent with its text (ToString) and its inner exceptions: the detail showed the text only, and a
    /// text that leaves them out (an AggregateException's after the first, a ToString of its own) hid them. Each inner
    /// type and message is listed under the text, nested as sent, as text.
    /// </summary>
    [Fact]
    public async Task Detail_ExceptionWithTextAndInnerOnes_ListsEachInnerTypeAndMessage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            events = new object[]
            {
                new
                {
                    timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), level = "Error", message = "checkout failed",
                    exception = new
                    {
                        type = "System.AggregateException", message = "One or more errors occurred.", text = "System.AggregateException: One or more errors occurred. (Card declined)\n   at Shop.Checkout.Pay()",
                        inner = new object[]
                        {
                            new { type = "System.InvalidOperationException", message = "Card declined", inner = new object[] { new { type = "System.IO.IOException", message = "socket <b>closed</b>" } } },
                            new { type = "System.TimeoutException", message = "gateway slow" },
                        },
                    },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/erin", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        await page.Locator("#events-table tbody tr").First.ClickAsync();

        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("at Shop.Checkout.Pay()");
        await Expect(page.Locator("#detail-body .inner > strong")).ToHaveTextAsync("Inner exceptions (2)");
        await Expect(page.Locator("#detail-body .inner-exception")).ToHaveTextAsync(
            ["System.InvalidOperationException: Card declined", "System.IO.IOException: socket <b>closed</b>", "System.TimeoutException: gateway slow"]);
        // Nested as sent: the IOException is the first inner one's.
        await Expect(page.Locator("#detail-body .inner > ul > li").First.Locator("ul .inner-exception")).ToHaveTextAsync("System.IO.IOException: socket <b>closed</b>");
        // No chain: a .NET inner exception is no Python chain's (the words are for those alone).
        await Expect(page.Locator("#detail-body .inner-chain")).ToHaveCountAsync(0);
        await ChromiumFixture.ScreenshotAsync(page, "86-inner-exceptions");
        Assert.Equal(0, await page.Locator("#detail-body b").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A Python exception raised <c>from</c> another (<c>__cause__</c>) or while handling one (<c>__context__</c>), sent by
    /// CPython's HTTPHandler: the collector marks each chained exception (<c>"chain"</c>), but the detail's list showed
    /// "type: message" alone, so support could not tell Python's "The above exception was the direct cause of the
    /// following exception" from "During handling of the above exception, another exception occurred", nor, in a group
    /// raised from an error, that error from one more sub-exception. Each chained one now says it, as text; a group's
    /// sub-exceptions say nothing.
    /// </summary>
    [Fact]
    public async Task Detail_PythonExceptionChain_EachChainedOneSaysHowTheOneAboveFollowedIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PythonProcess.RunAsync(ChainScript, collector.BaseAddress.Authority, "/log/erin");
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");
        // Each inner exception in the page's order: its chain's words, then its type and message.
        const string Listed = """
            () => [...document.querySelectorAll('#detail-body .inner li')].map(li =>
              (li.querySelector(':scope > .inner-chain')?.textContent ?? '') + '|' + li.querySelector(':scope > .inner-exception').textContent)
            """;

        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        await rows.Filter(new() { HasText = "Checkout failed" }).ClickAsync();

        await Expect(page.Locator("#detail-body .inner > strong")).ToHaveTextAsync("Inner exceptions (1)");
        // The RuntimeError above was raised while handling the ValueError, which was raised from the KeyError.
        Assert.Equal(
            ["the above occurred during handling of: |ValueError: no <b>cart</b>", "the direct cause of the above: |KeyError: 'cart'"],
            await page.EvaluateAsync<string[]>(Listed));
        await Expect(page.Locator("#detail-body .inner > ul > li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#detail-body .inner-chain").First).ToHaveAttributeAsync("title", new Regex("During handling of the above exception, another exception occurred"));
        await Expect(page.Locator("#detail-body .inner-chain").Last).ToHaveAttributeAsync("title", new Regex("The above exception was the direct cause of the following exception"));
        await ChromiumFixture.ScreenshotAsync(page, "89-python-exception-chain");

        await rows.Filter(new() { HasText = "Sync failed" }).ClickAsync();
        await Expect(page.Locator("#detail-body .inner > strong")).ToHaveTextAsync("Inner exceptions (3)");
        Assert.Equal(["|ValueError: a", "|TypeError: b", "the direct cause of the above: |KeyError: 'order'"], await page.EvaluateAsync<string[]>(Listed));
        Assert.Equal(0, await page.Locator("#detail-body b").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// An exception without inner ones, sent with its text (a .NET ToString) or as type, message and stack: the detail
    /// wrote "null" under it (the missing inner list appended as text), on every such error support opened.
    /// </summary>
    [Fact]
    public async Task Detail_ExceptionWithoutInnerOnes_NothingButItsTextUnderTheHeading()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            events = new object[]
            {
                new
                {
                    timestamp = now.AddMinutes(-2), level = "Critical", message = "app closing",
                    exception = new { type = "System.NullReferenceException", message = "Object reference not set to an instance of an object.", text = "System.NullReferenceException: Object reference not set to an instance of an object.\n   at Shop.Report.Render()", inner = Array.Empty<object>() },
                },
                new
                {
                    timestamp = now.AddMinutes(-1), level = "Error", message = "render failed",
                    exception = new { type = "System.FormatException", message = "bad input", stackTrace = "   at Shop.Report.Parse()" },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/erin", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        // What lies between the Exception heading and the next one: the exception's text alone, no stray text node.
        const string UnderExceptionHeading = """
            () => {
              // The context's place under the exception (empty until "Context" opens it) is no part of it.
              const nodes = [...document.getElementById('detail-body').childNodes].filter(n => !n.classList?.contains('context-slot'));
              const from = nodes.findIndex(n => n.nodeName === 'H3' && n.textContent === 'Exception');
              const to = nodes.findIndex((n, i) => i > from && n.nodeName === 'H3');
              return nodes.slice(from + 1, to).map(n => n.nodeType === Node.TEXT_NODE ? 'text: ' + n.textContent : n.nodeName + '.' + n.className);
            }
            """;
        foreach (var (row, shows) in new[] { (1, "at Shop.Report.Render()"), (0, "at Shop.Report.Parse()") })
        {
            await rows.Nth(row).Locator("td a").ClickAsync();
            await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync(shows);
            // The box and its "Show all" button (9cad5a8: every box capped by height), the button hidden: a short one fits.
            Assert.Equal(["PRE.exception capped", "BUTTON.exception-toggle"], await page.EvaluateAsync<string[]>(UnderExceptionHeading));
            await Expect(page.Locator("#detail-body .exception-toggle")).ToBeHiddenAsync();
            await Expect(page.Locator("#detail-body")).Not.ToContainTextAsync("null");
        }

        await ChromiumFixture.ScreenshotAsync(page, "88-exception-without-inner");
        Assert.Empty(dialogs);
    }

    /// <summary>The context list (the events around one) marked no exception, where the timeline's rows show its line.</summary>
    [Fact]
    public async Task ContextList_RowWithAnException_ShowsItsLineUnderTheMessage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            instanceId = "inst-erin",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-3), level = "Error", message = "Order 98 failed", sequence = 1, exception = new { type = "System.InvalidOperationException", message = "Card <i>declined</i>" } },
                new { timestamp = now.AddMinutes(-2), level = "Information", message = "retrying", sequence = 2 },
                new { timestamp = now.AddMinutes(-1), level = "Error", message = "conversion failed", sequence = 3, exception = new { text = "Traceback (most recent call last):\nZeroDivisionError: division by zero\n" } },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/erin", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        await page.Locator("#events-table tbody tr").Nth(1).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();

        var rows = page.Locator("#detail-body .context-list tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(0).Locator(".row-exception")).ToHaveTextAsync("System.InvalidOperationException: Card <i>declined</i>");
        await Expect(rows.Nth(1).Locator(".row-exception")).ToHaveCountAsync(0);
        await Expect(rows.Nth(2).Locator(".row-exception")).ToHaveTextAsync("ZeroDivisionError: division by zero");
        await ChromiumFixture.ScreenshotAsync(page, "87-context-exception");
        Assert.Equal(0, await page.Locator("#detail-body i").CountAsync());
        Assert.Empty(dialogs);
    }
}
