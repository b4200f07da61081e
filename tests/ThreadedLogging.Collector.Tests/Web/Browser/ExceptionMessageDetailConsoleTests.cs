using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: an exception whose text does not begin with its type and message (OTLP's
/// <c>exception.stacktrace</c> from a Go or Python SDK: frames, or "Traceback (most recent call last):") shows them above
/// the text in the detail. Support walkthrough: <c>exception.message</c> was shown in the list's row only, the detail had
/// the frames alone. A text that begins with them (.NET's <c>ToString()</c>) is not given them twice.
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

    private static object Attribute(string key, string value) => new { key, value = new { stringValue = value } };
}
