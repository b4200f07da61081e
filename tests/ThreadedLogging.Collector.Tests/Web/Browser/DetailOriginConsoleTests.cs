using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium at 1280×700: with an event open, the list hides its App, Machine and Category columns (room for
/// the message beside the detail), so the detail says them at its top, above the message. Support walkthrough: they were
/// only in its Event and Identity sections, below the exception and out of view.
/// </summary>
public sealed class DetailOriginConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Category = "Shop.<b>Checkout</b>.PaymentService";

    [Fact]
    public async Task Detail_Open_SaysAppVersionMachineAndCategoryAtItsTop()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var stack = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"   at Shop.Checkout.Step{i}()"));
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            version = "2.4.1",
            machine = "PC-7",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-2), level = "Information", category = "Shop.Cart", message = "cart opened" },
                new
                {
                    timestamp = now.AddMinutes(-1), level = "Error", category = Category, message = "payment failed",
                    exception = new { type = "System.InvalidOperationException", message = "Card declined", stackTrace = stack },
                    properties = new { OrderId = 42, Amount = 12.5, Currency = "EUR" },
                },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/ida", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 700);
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");
        var origin = page.Locator("#detail-body .origin");

        await page.GotoAsync(collector.BaseAddress + "?user=ida");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.Locator("td.col-machine")).ToBeVisibleAsync();
        await rows.Filter(new() { HasText = "payment failed" }).ClickAsync();
        await Expect(page.Locator("#detail-body pre.exception")).ToContainTextAsync("Card declined");
        await Expect(rows.First.Locator("td.col-machine")).ToBeHiddenAsync(); // the detail says it

        // Before: nowhere above the exception; the Identity section's machine below the fold.
        await Expect(origin).ToHaveTextAsync("App Shop 2.4.1 · Machine PC-7 · Category " + Category);
        await Expect(origin).ToBeInViewportAsync();
        await Expect(origin.Locator("b")).ToHaveCountAsync(0);

        // The list's other row: what it says follows the open event.
        await rows.Filter(new() { HasText = "cart opened" }).ClickAsync();
        await Expect(origin).ToHaveTextAsync("App Shop 2.4.1 · Machine PC-7 · Category Shop.Cart");
        Assert.Empty(dialogs);
    }
}
