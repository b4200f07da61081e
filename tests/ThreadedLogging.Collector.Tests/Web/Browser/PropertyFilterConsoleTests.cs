using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: a property's "filter" button in the event detail adds <c>property=Name=value</c> to the list; the
/// conditions show as chips above it, each removable, kept in the URL (Back returns), followed by the download links;
/// a value with markup is text.
/// </summary>
public sealed class PropertyFilterConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public async Task Detail_FilterButtons_OnlyMatchingEventsChipsRemoveThemBackReturns()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr td.msg");
        var chips = page.Locator("#property-chips .chip");

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(rows).ToHaveTextAsync(["markup", "view", "checkout B", "checkout A"]);
        await page.Locator("#events-table tbody tr", new() { HasText = "checkout A" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on OrderId = 48151623", Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["view", "checkout A"]);
        await Expect(chips).ToHaveTextAsync(["OrderId = 48151623×"]);
        Assert.Contains("property=OrderId%3D48151623", page.Url, StringComparison.Ordinal);
        Assert.Contains("property=OrderId%3D48151623", await page.Locator("#download-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on Action = Checkout", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["checkout A"]);
        await Expect(chips).ToHaveTextAsync(["OrderId = 48151623×", "Action = Checkout×"]);
        await ChromiumFixture.ScreenshotAsync(page, "40-property-filter");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter OrderId = 48151623", Exact = true }).ClickAsync();
        await Expect(rows).ToHaveTextAsync(["checkout B", "checkout A"]);
        await Expect(chips).ToHaveTextAsync(["Action = Checkout×"]);

        await page.GoBackAsync();
        await Expect(rows).ToHaveTextAsync(["checkout A"]);
        await Expect(chips).ToHaveCountAsync(2);

        // Back to the users list: the conditions are the timeline's, they do not stay in the list's link.
        await page.Locator("#crumbs a").ClickAsync();
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        Assert.DoesNotContain("property=", page.Url, StringComparison.Ordinal);

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await Expect(chips).ToHaveCountAsync(0);
        await Expect(page.Locator("#property-chips")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Detail_FilterOnAValueWithMarkup_ShownAsText()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await PostAsync(collector);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=alice");
        await page.Locator("#events-table tbody tr", new() { HasText = "markup" }).ClickAsync();
        await Expect(page.Locator("#detail-body table.props td", new() { HasText = Script })).ToHaveTextAsync(Script);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter on Tag = " + Script, Exact = true }).ClickAsync();

        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["markup"]);
        await Expect(page.Locator("#property-chips .chip > span")).ToHaveTextAsync(["Tag = " + Script]);
        Assert.Equal(0, await page.Locator("#property-chips script, #detail-body script").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>The API takes a value of up to 1000 characters (docs/QUERY.md): a longer one has no button that would lead to a 400.</summary>
    [Fact]
    public async Task Detail_ValueLongerThanTheApiTakes_NoFilterButton()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = JsonSerializer.Serialize(new
        {
            user = "bob",
            events = new[] { new { timestamp = DateTimeOffset.UtcNow, message = "long values", properties = new { Longest = new string('y', 1000), TooLong = new string('z', 1001) } } },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/bob", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=bob");
        await page.Locator("#events-table tbody tr", new() { HasText = "long values" }).ClickAsync();
        await Expect(page.Locator("#detail-body table.props tr")).ToHaveCountAsync(2);

        await Expect(page.Locator("#detail-body table.props tr", new() { HasText = "TooLong" }).Locator("button.property-filter")).ToHaveCountAsync(0);
        await page.Locator("#detail-body table.props tr", new() { HasText = "Longest" }).Locator("button.property-filter").ClickAsync();
        await Expect(page.Locator("#property-chips .chip")).ToHaveCountAsync(1);
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["long values"]);
        Assert.Empty(dialogs);
    }

    private static async Task PostAsync(CollectorFixture collector)
    {
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.Serialize(new
        {
            app = "Shop",
            user = "alice",
            events = new object[]
            {
                new { timestamp = now.AddMinutes(-4), message = "checkout A", properties = new { OrderId = 48151623, Action = "Checkout" } },
                new { timestamp = now.AddMinutes(-3), message = "checkout B", properties = new { OrderId = 777, Action = "Checkout" } },
                new { timestamp = now.AddMinutes(-2), message = "view", properties = new { OrderId = 48151623, Action = "View" } },
                new { timestamp = now.AddMinutes(-1), message = "markup", properties = new { Tag = Script } },
            },
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    [Fact]
    public async Task Detail_PropertyNameWithAnEqualsSign_HasNoFilterButton()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var clef = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@t"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
            ["@mt"] = "Header {Name} seen",
            ["Name"] = "x-trace",
            ["header=x-trace"] = "on",
            ["UserName"] = "ines",
        });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw", Http.Utf8(clef + "\n"), "application/vnd.serilog.clef");
        Assert.True(status == HttpStatusCode.Created || status == HttpStatusCode.OK, text);
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var rows = page.Locator("#events-table tbody tr");
        await page.GotoAsync(collector.BaseAddress + "?user=ines");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.First.ClickAsync();

        var props = page.Locator("#detail-body table.props tr");
        ILocator Row(string name) => props.Filter(new() { Has = page.Locator("th").GetByText(name, new() { Exact = true }) });
        await Expect(Row("Name").Locator("button.property-filter")).ToHaveCountAsync(1);
        // Before: a "filter" button that listed "header = x-trace=on", which the API reads as the property "header" equal to
        // "x-trace=on" (a name ends at the first '='): "No events for ines with header = x-trace=on" beside the event itself.
        await Expect(Row("header=x-trace")).ToHaveCountAsync(1);
        await Expect(Row("header=x-trace").Locator("button.property-filter")).ToHaveCountAsync(0);
        Assert.Empty(dialogs);
    }
}
