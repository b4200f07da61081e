using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: when the top values cannot be counted (the collector refuses the summary), why is said in the
/// panel as text, whole and aloud (role=alert). It was one line cut with "…" and the rest only in its title, which a
/// phone cannot hover and a screen reader did not say.
/// </summary>
public sealed class TopValuesFailureConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Markup = "<img src=x onerror=alert(1)>";

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task TopValues_SummaryRefused_WhyShownWholeAndAnnounced(int width, int height)
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/lena", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width, height);
        await using var _ = context;
        // The collector's own refusal (400), of a summary asked for a field it has not: its message quotes the field.
        await page.RouteAsync("**/api/events/summary?**", async route =>
        {
            var url = new UriBuilder(route.Request.Url);
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            query["top"] = Markup;
            url.Query = query.ToString();
            await route.ContinueAsync(new() { Url = url.Uri.AbsoluteUri });
        });

        await page.GotoAsync(collector.BaseAddress + "?user=lena");
        await Expect(page.Locator("#events-table tbody tr td.msg")).ToHaveTextAsync(["card declined"]);
        var why = page.Locator("#top-line .error");
        await Expect(why).ToHaveTextAsync(
            "Top values could not be counted: parameter 'top' must list fields of user, app, version, machine, category, template, separated by commas (was '" + Markup + "')");
        await ChromiumFixture.ScreenshotAsync(page, $"103-top-values-failure-{width}");

        // Before: no role, and the text cut at the line's end ("…") or below the line's height.
        await Expect(why).ToHaveAttributeAsync("role", "alert");
        var cut = await why.EvaluateAsync<string?>(
            "e => { const line = document.getElementById('top-line').getBoundingClientRect(); const r = e.getBoundingClientRect(); " +
            "return e.scrollWidth > e.clientWidth ? `cut at its end: ${e.scrollWidth} of ${e.clientWidth} px shown` " +
            ": r.bottom > line.bottom + 0.5 ? `cut below: its bottom at ${r.bottom}, the line's at ${line.bottom}` : null; }");
        Assert.Null(cut);
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }
}
