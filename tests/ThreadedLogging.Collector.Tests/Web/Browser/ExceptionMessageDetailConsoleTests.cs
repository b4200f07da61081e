using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: an exception whose text does not begin with its type and message (OTLP's
/// <c>exception.stacktrace</c> from a Go or Python SDK: frames, or "Traceback (most recent call last):") shows them above
/// the text in the detail. Support walkthrough: <c>exception.message</c> was shown in the list's row only, the detail had
/// the frames alone. A text that begins with them (.NET's <c>ToString()</c>) is not given them twice; one whose first line
/// merely holds a short message ("failed" in <c>main.failedHandler</c>), or a message that begins with a newline, still
/// gets them.
/// </summary>
public sealed class ExceptionMessageDetailConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Declined = "card <b>declined</b>";

    [Fact]
    public async Task Detail_OtlpStackWithoutTheMessage_ShowsTypeAndMessageAboveTheStack()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // OTLP/JSON as an SDK sends it: a Go stack (goroutine frames, no message) in exception.stacktrace.
        var otlp = JsonSerializer.Serialize(new
        {
            resourceLogs = new[]
            {
                new
                {
                    resource = new { attributes = new[] { Attribute("service.name", "Checkout"), Attribute("user.name", "gus") } },
                    scopeLogs = new[]
                    {
                        new
                        {
                            scope = new { name = "checkout" },
                            logRecords = new[]
                            {
                                new
                                {
                                    timeUnixNano = (DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                    severityNumber = 17,
                                    body = new { stringValue = "payment failed" },
                                    attributes = new[]
                                    {
                                        Attribute("exception.type", "*payment.DeclinedError"),
                                        Attribute("exception.message", Declined),
                                        Attribute("exception.stacktrace", "goroutine 1 [running]:\nmain.pay(0x2a)\n\t/app/pay.go:42 +0x1d\nmain.main()\n\t/app/main.go:10 +0x25"),
                                    },
                                },
                            },
                        },
                    },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Http.Utf8(otlp), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var dotNet = JsonSerializer.Serialize(new
        {
            app = "Checkout",
            events = new object[]
            {
                new
                {
                    timestamp = DateTimeOffset.UtcNow.AddMinutes(-2), level = "Error", message = "refund failed",
                    exception = new { type = "System.InvalidOperationException", message = "Refund refused", text = "System.InvalidOperationException: Refund refused\n   at Checkout.Refund()" },
                },
            },
        });
        (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/gus", Http.Utf8(dotNet), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");
        var head = page.Locator("#detail-body .exception-head");

        await page.GotoAsync(collector.BaseAddress + "?user=gus");
        await Expect(rows).ToHaveCountAsync(2);
        await rows.Filter(new() { HasText = "payment failed" }).ClickAsync();

        // Before: only the frames ("goroutine 1 [running]: …"), the message in the list's row alone.
        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("main.pay(0x2a)");
        await Expect(head).ToHaveTextAsync("*payment.DeclinedError: " + Declined);
        await Expect(head).ToBeInViewportAsync();

        await rows.Filter(new() { HasText = "refund failed" }).ClickAsync();
        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("Refund refused");
        await Expect(head).ToHaveCountAsync(0); // its text's first line says it
        Assert.Equal(0, await page.Locator("#detail b").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_FirstLineHoldsTheShortMessageOrTheMessageStartsWithANewline_StillShowsTypeAndMessage()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var otlp = JsonSerializer.Serialize(new
        {
            resourceLogs = new[]
            {
                new
                {
                    resource = new { attributes = new[] { Attribute("service.name", "Checkout"), Attribute("user.name", "hal") } },
                    scopeLogs = new[]
                    {
                        new
                        {
                            scope = new { name = "checkout" },
                            logRecords = new[]
                            {
                                Record(-1, "handler crashed", "*http.HandlerError", "failed", "main.failedHandler(0x2a)\n\t/app/handler.go:42 +0x1d"),
                                Record(-2, "import crashed", "ImportError", "\nno row 7", "goroutine 1 [running]:\nmain.importRows()\n\t/app/import.go:7 +0x25"),
                            },
                        },
                    },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Http.Utf8(otlp), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");
        var head = page.Locator("#detail-body .exception-head");

        await page.GotoAsync(collector.BaseAddress + "?user=hal");
        await Expect(rows).ToHaveCountAsync(2);

        // Before: no heading for either, "failed" found in "main.failedHandler(0x2a)", and "" (the message's first line) in any line.
        await rows.Filter(new() { HasText = "handler crashed" }).ClickAsync();
        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("main.failedHandler(0x2a)");
        await Expect(head).ToHaveTextAsync("*http.HandlerError: failed");

        await rows.Filter(new() { HasText = "import crashed" }).ClickAsync();
        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("main.importRows()");
        await Expect(head).ToContainTextAsync("no row 7");
        await Expect(head).ToContainTextAsync("ImportError:");
        Assert.Empty(dialogs);
    }

    private static object Record(int minutes, string body, string type, string message, string stack) => new
    {
        timeUnixNano = (DateTimeOffset.UtcNow.AddMinutes(minutes).ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        severityNumber = 17,
        body = new { stringValue = body },
        attributes = new[] { Attribute("exception.type", type), Attribute("exception.message", message), Attribute("exception.stacktrace", stack) },
    };

    private static object Attribute(string key, string value) => new { key, value = new { stringValue = value } };
}
