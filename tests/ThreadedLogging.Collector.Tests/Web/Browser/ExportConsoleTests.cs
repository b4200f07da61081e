using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Query;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The timeline's Download control in a real Chromium, signed in with the read key: the files hold exactly the
/// events the view lists (user, levels, search), newest first; CSV with formulas made inert; nothing of the
/// events' text runs in the page.
/// </summary>
public sealed class ExportConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Download_TimelineWithLevelsAndSearch_FilesHoldExactlyTheListedEvents()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret");
        var now = DateTimeOffset.UtcNow;
        string[] levels = ["Information", "Warning", "Error", "Critical"];
        var events = Enumerable.Range(0, 40).Select(i => new
        {
            level = levels[i % 4],
            message = i % 5 == 0 ? $"=HYPERLINK(\"http://evil.example\",\"posting {i} failed\")" : i % 3 == 0 ? $"<img src=x onerror=alert(1)> posting {i} failed" : $"posting {i} done",
            timestamp = now.AddMinutes(i - 60),
            sequence = i,
        }).ToArray();
        foreach (var user in new[] { "hana", "ivan" })
        {
            var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(Http.Envelope(null, events)), "application/json");
            Assert.True(status == HttpStatusCode.OK, text);
        }

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=hana&levels=Error,Critical&q=failed");
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        var rows = page.Locator("#events-table tbody tr");
        // i in 0..39 with level Error/Critical (i%4 = 2, 3) and "failed" (i%5 = 0 or i%3 = 0): 3, 6, 10, 15, 18, 27, 30, 35, 39.
        await Expect(rows).ToHaveCountAsync(9);
        var listedIds = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        var listedMessages = await page.Locator("#events-table tbody td.msg").AllTextContentsAsync();
        await ChromiumFixture.ScreenshotAsync(page, "20-timeline-download");

        var csvDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-csv").ClickAsync());
        Assert.Matches(@"^events-hana-\d{8}T\d{6}Z\.csv$", csvDownload.SuggestedFilename);
        var rowsOfCsv = ExportFiles.Rows((await File.ReadAllTextAsync((await csvDownload.PathAsync())!)).TrimStart('\uFEFF'), out var header);
        Assert.Equal(listedIds, rowsOfCsv.Select(r => r[0]));
        var message = Array.IndexOf(header, "message");
        Assert.Equal(listedMessages.Select(m => m.StartsWith('=') ? "'" + m : m), rowsOfCsv.Select(r => r[message]));
        Assert.All(rowsOfCsv, r => Assert.Equal("hana", r[Array.IndexOf(header, "user")]));

        var ndjsonDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-ndjson").ClickAsync());
        Assert.Matches(@"^events-hana-\d{8}T\d{6}Z\.ndjson$", ndjsonDownload.SuggestedFilename);
        var lines = ExportFiles.Lines(await File.ReadAllTextAsync((await ndjsonDownload.PathAsync())!));
        Assert.Equal(listedIds, lines.Select(e => e.GetProperty("id").GetRawText()));
        Assert.Equal(listedMessages, lines.Select(e => e.GetProperty("message").GetString()));
        Assert.All(lines, e => Assert.Contains(e.GetProperty("level").GetString(), (string[])["Error", "Critical"]));

        // Another view, another file: the links follow the filters (Warning only, no search).
        await page.Locator("#timeline-q").FillAsync(string.Empty);
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(20);
        await page.Locator("[data-level=Error]").ClickAsync(); // Error and Critical off together
        await page.Locator("[data-level=Warning]").ClickAsync();
        await Expect(page.Locator("#events-table tbody tr.lvl-Warning")).ToHaveCountAsync(10);
        await Expect(rows).ToHaveCountAsync(10);
        var warnings = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-ndjson").ClickAsync());
        var warningLines = ExportFiles.Lines(await File.ReadAllTextAsync((await warnings.PathAsync())!));
        Assert.Equal(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"), warningLines.Select(e => e.GetProperty("id").GetRawText()));
        Assert.All(warningLines, e => Assert.Equal(JsonValueKind.String, e.GetProperty("message").ValueKind));
        Assert.Empty(dialogs);
    }
}
