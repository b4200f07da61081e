using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The support console in a real Chromium against the real collector on Kestrel, with data sent by the real
/// client library and by CPython's logging.handlers.HTTPHandler (issue 10). Waits are Playwright's
/// auto-waiting expectations, never sleeps. Screenshots of each view: bin/.../screenshots/*.png.
/// </summary>
public sealed class SupportConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Payload = "<img src=x onerror=alert(1)>";

    // CPython's HTTPHandler sends record.__dict__; exc_text is filled by a formatter only, so a filter
    // formats it (the full traceback) as a Formatter would. stack_info=True sends the stack as well.
    private const string PythonScript = """
        import logging, logging.handlers, sys
        host, user = sys.argv[1], sys.argv[2]
        class Traceback(logging.Filter):
            def filter(self, record):
                if record.exc_info and not record.exc_text:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                return True
        handler = logging.handlers.HTTPHandler(host, '/log/' + user, method='POST')
        handler.addFilter(Traceback())
        log = logging.getLogger('payroll.rates')
        log.propagate = False
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        log.info('Rates loaded for %s', 'EUR')
        def convert(amount, rate):
            return amount / rate
        try:
            convert(100, 0)
        except ZeroDivisionError:
            log.exception('Conversion of %d failed', 100, stack_info=True)
        """;

    [Fact]
    public async Task UsersList_ToLatestErrorWithTraceback_InTwoClicksAndPermalinkReproducesIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PythonProcess.RunAsync(PythonScript, collector.BaseAddress.Authority, "py-anna");
        await LogWithClientAsync(collector, "bob", log => log.LogInformation("Order {OrderId} shipped", 7));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var anna = page.Locator("#users-table tbody tr", new() { HasText = "py-anna" });
        await Expect(anna).ToContainTextAsync("Conversion of 100 failed (ZeroDivisionError)"); // the log message, then the exception type (Python said "division by zero")
        await Expect(page.Locator("#users-table tbody tr", new() { HasText = "bob" })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "1-users");

        await anna.Locator("td.error-cell").ClickAsync(); // click 1: straight to the error

        var exception = page.Locator("#detail pre.exception");
        await Expect(exception).ToContainTextAsync("Traceback (most recent call last):");
        await Expect(exception).ToContainTextAsync("in convert");
        await Expect(exception).ToContainTextAsync("ZeroDivisionError: division by zero");
        await Expect(page.Locator("#detail")).ToContainTextAsync("convert"); // funcName, stack_info
        await Expect(page.Locator("#detail dl").Last).ToContainTextAsync("lineno");
        await Expect(page.Locator("#events-table tbody tr.selected")).ToContainTextAsync("Conversion of 100 failed");
        await ChromiumFixture.ScreenshotAsync(page, "2-timeline-detail");

        // The URL holds the view: a fresh context (no cookies, no history) shows the same event.
        var permalink = page.Url;
        var (other, otherPage, _) = await chromium.NewPageAsync();
        await using (other)
        {
            await otherPage.GotoAsync(permalink);
            await Expect(otherPage.Locator("#detail pre.exception")).ToContainTextAsync("ZeroDivisionError: division by zero");
            await Expect(otherPage.Locator("#crumbs")).ToContainTextAsync("py-anna");
        }

        // Back returns to the users list, forward to the error.
        await page.GoBackAsync();
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        await page.GoForwardAsync();
        await Expect(page.Locator("#detail pre.exception")).ToContainTextAsync("ZeroDivisionError");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task LiveTail_EventSentAfterOpen_AppearsWithoutReload()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await LogWithClientAsync(collector, "carol", log => log.LogInformation("Session started"));
        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=carol&live=1");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected"); // the stream is open: what is stored now is sent

        await LogWithClientAsync(collector, "carol", log => log.LogWarning("Printer {Printer} is offline", "HP-4"));

        await Expect(page.Locator("#events-table tbody tr").First).ToContainTextAsync("Printer HP-4 is offline");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(2);
        await ChromiumFixture.ScreenshotAsync(page, "3-live-tail");
    }

    [Fact]
    public async Task Context_OfAnError_ShowsTheInstancesEventsBeforeItInOrder()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await LogWithClientAsync(collector, "dave", log =>
        {
            for (var step = 1; step <= 4; step++)
            {
                log.LogInformation("Step {Step} of the import", step);
            }

            log.LogError(new InvalidOperationException("Ledger closed"), "Import failed");
            log.LogInformation("Cleaned up");
        });
        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=dave");

        await page.Locator("#events-table tbody tr", new() { HasText = "Import failed" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();

        var rows = page.Locator("#detail .context-list tr");
        await Expect(rows).ToHaveCountAsync(6);
        var messages = await rows.Locator("td.msg").EvaluateAllAsync<string[]>("tds => tds.map(td => td.firstChild?.textContent ?? '')"); // the message, not the exception's line under it
        Assert.Equal(["Step 1 of the import", "Step 2 of the import", "Step 3 of the import", "Step 4 of the import", "Import failed", "Cleaned up"], messages);
        await Expect(page.Locator("#detail .context-list tr.selected")).ToContainTextAsync("Import failed");
        await Expect(page.Locator("#detail .context-list .row-exception")).ToHaveTextAsync(["System.InvalidOperationException: Ledger closed"]);
        await Expect(page.Locator("#detail pre.exception")).ToContainTextAsync("System.InvalidOperationException: Ledger closed");
        await ChromiumFixture.ScreenshotAsync(page, "4-context");
    }

    [Fact]
    public async Task Search_ExceptionType_FindsTheEvent()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PythonProcess.RunAsync(PythonScript, collector.BaseAddress.Authority, "erin");
        var (context, page, _) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=erin");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(2);

        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("ZeroDivisionError");

        // Typing slower than the box's 300 ms pause (a busy machine) searches for "Zero" first: wait for the whole word.
        await Expect(page).ToHaveURLAsync(new Regex("q=ZeroDivisionError"));
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#events-table tbody tr")).ToContainTextAsync("Conversion of 100 failed");

        // Keyboard: Esc leaves the box, j selects, Enter opens, Esc closes.
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#detail pre.exception")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#detail")).ToBeHiddenAsync();

        // A malformed query says why.
        await page.Locator("#timeline-q").FillAsync("\"open");
        await Expect(page.Locator("#events-error")).ToContainTextAsync("quote that is not closed");
        await ChromiumFixture.ScreenshotAsync(page, "5-search-error");
    }

    [Fact]
    public async Task SignIn_WrongThenRightKey_StrictHttpOnlyCookieAndSignOutEndsAccess()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret");
        await LogWithClientAsync(collector, "frank", log => log.LogInformation("hello"));
        var (context, page, _) = await chromium.NewPageAsync(width: 800, height: 800);
        await using var __ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "6-sign-in");
        await page.Locator("#sign-in-key").FillAsync("wrong");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("Wrong key.");

        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#users-table tbody tr", new() { HasText = "frank" })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "7-users-800px");

        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.Equal("tl_session", cookie.Name);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.True(cookie.Expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.DoesNotContain("read-secret", page.Url, StringComparison.Ordinal);
        Assert.Equal("0", await page.EvaluateAsync<string>("() => String(localStorage.length + sessionStorage.length)"));

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        var status = await page.EvaluateAsync<int>("async () => (await fetch('/api/events')).status");
        Assert.Equal((int)HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task HostileText_InEveryField_ShownAsTextInEveryView()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = JsonSerializer.Serialize(new
        {
            app = Payload,
            version = Payload,
            machine = Payload,
            instanceId = "x-1",
            user = Payload,
            events = new object[]
            {
                new { level = "Information", message = "before " + Payload, category = Payload, sequence = 1 },
                new
                {
                    level = "Error", message = Payload, category = Payload, template = Payload, sequence = 2,
                    properties = new Dictionary<string, object> { [Payload] = Payload, ["nested"] = new { html = Payload } },
                    exception = new { type = Payload, message = Payload, stackTrace = Payload, text = Payload + "\n   at " + Payload },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/x", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var __ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var user = page.Locator("#users-table tbody tr").First;
        await Expect(user.Locator("td.user")).ToHaveTextAsync(Payload);
        await Expect(user.Locator("td.error-cell")).ToContainTextAsync(Payload + " (" + Payload + ")");
        await user.Locator("td.user").ClickAsync();
        await Expect(page.Locator("#events-table tbody tr").First.Locator("td.msg")).ToHaveTextAsync(Payload + Payload + ": " + Payload); // the message, then its exception's type and message
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync(Payload);
        await Expect(page.Locator("#detail pre.properties")).ToContainTextAsync("\"" + Payload + "\": \"" + Payload + "\"");
        await Expect(page.Locator("#detail pre.exception")).ToContainTextAsync("at " + Payload);
        await page.Locator("#detail-context").ClickAsync();
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(2);
        await ChromiumFixture.ScreenshotAsync(page, "8-hostile-text");

        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>Logs through the real client library (ThreadedHttpHandler, JsonBatch) and waits for delivery.</summary>
    internal static async Task LogWithClientAsync(CollectorFixture collector, string user, Action<ILogger> write)
    {
        await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.BaseAddress.Authority,
            Url = "/log/{user}",
            Format = HttpLogFormat.JsonBatch,
            App = "Payroll",
            Version = "4.1.0",
            User = user,
            Machine = "PC-" + user,
            CaptureUnhandledExceptions = false, // counted events: another test's unobserved task exception is not ours
        });
        write(handler.CreateLogger("Payroll.Import"));
        // A bound for a broken build, not a timing assertion.
        Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}");
    }
}
