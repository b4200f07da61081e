using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Where support staff meet the console's edges, in a real Chromium against the real collector: keyboard-only use,
/// very long messages, links pasted or edited by hand, user names that need escaping in URLs and HTML.
/// </summary>
public sealed class ConsoleEdgeCaseTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Keyboard_EnterOnAFocusedButton_DoesWhatTheButtonSaysAndNothingElse()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        // 51 users: one more than the list's page, so "More users" is there.
        await PostAsync(collector, "log/many", Http.Envelope(null, [.. Enumerable.Range(0, 51).Select(i =>
            new { level = "Information", message = "hello " + i, timestamp = now.AddSeconds(i - 60), user = $"user{i:00}", sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        var users = page.Locator("#users-table tbody tr");
        await Expect(users).ToHaveCountAsync(50);
        await Expect(page.Locator("#users-table tbody tr.selected")).ToHaveCountAsync(1);

        await page.Locator("#users-more").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(users).ToHaveCountAsync(51);
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        Assert.DoesNotContain("user=", page.Url, StringComparison.Ordinal);

        // Enter on a row still opens it: j to the second user, Enter.
        await page.Locator("body").FocusAsync();
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.Matches("user=user[0-9]{2}", page.Url);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Keyboard_EnterInFindUser_OpensTheFirstUserFound()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/many", Http.Envelope(null, [.. new[] { "carol", "bob", "alice" }.Select((user, i) =>
            new { level = "Information", message = "hello " + user, timestamp = now.AddSeconds(i - 60), user, sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(3);

        // Typed and Enter at once (within the box's pause): the user opens when the list for "caro" has come.
        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("caro");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.Contains("user=carol", page.Url, StringComparison.Ordinal);

        // The list for what the box holds already shown: Enter opens its selected user.
        await page.GotoAsync(collector.BaseAddress + "?search=bo");
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(1);
        await page.Locator("#users-search").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.Contains("user=bob", page.Url, StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_VeryLongAndManyLineMessages_RowsStayShortAndTheDetailShowsAllOfIt()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var longMessage = "Import failed: " + string.Join(' ', Enumerable.Range(0, 4000).Select(i => "word" + i));
        var manyLines = "Config dump\n" + string.Join('\n', Enumerable.Range(0, 400).Select(i => $"key{i} = value{i}"));
        await PostAsync(collector, "log/ivan", Http.Envelope(null,
            new { level = "Information", message = "before", timestamp = now.AddMinutes(-3), sequence = 1 },
            new { level = "Error", message = longMessage, timestamp = now.AddMinutes(-2), sequence = 2 },
            new { level = "Warning", message = manyLines, timestamp = now.AddMinutes(-1), sequence = 3 }));
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var ivan = page.Locator("#users-table tbody tr", new() { HasText = "ivan" });
        await Expect(ivan).ToContainTextAsync("Import failed: word0");
        Assert.True((await ivan.BoundingBoxAsync())!.Height < 200, "the users list row of a long latest error fits a few lines");

        await page.GotoAsync(collector.BaseAddress + "?user=ivan");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        foreach (var i in new[] { 0, 1 })
        {
            // A row is a few lines, whatever the message: the list stays a list (the whole text is in the detail).
            Assert.True((await rows.Nth(i).BoundingBoxAsync())!.Height < 200, $"row {i} is {(await rows.Nth(i).BoundingBoxAsync())!.Height} px high");
        }

        await Expect(rows.Nth(2).Locator("td.msg")).ToHaveTextAsync("before");
        await rows.Nth(1).ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync(longMessage);
        await rows.Nth(0).ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync(manyLines);
        await ChromiumFixture.ScreenshotAsync(page, "20-timeline-long-messages");
        Assert.Empty(dialogs);
    }

    [Theory]
    [InlineData("at=abc")]
    [InlineData("at=12.5")]
    [InlineData("at=")]
    public async Task DeepLink_EditedStartThatIsNoId_TimelineStillLoads(string start)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/jana", Http.Envelope(null,
            new { level = "Information", message = "first", timestamp = now.AddMinutes(-2), sequence = 1 },
            new { level = "Error", message = "second", timestamp = now.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=jana&" + start);

        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex("^2 events"));
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task UserNames_ThatNeedEscaping_ListTimelineReloadBackAndDownloadEachFindTheirOwnEvents()
    {
        string[] names = ["a/b", "x#y", "50%off", "q?a=1&b=2", "O'Brien \"Bob\"", "😀 émoji", "עברית RTL", "<b>tag</b>", "plus+sign"];
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/names", Http.Envelope(null, [.. names.Select((name, i) =>
            new { level = "Information", message = "hi from " + i, timestamp = now.AddSeconds(i - 60), user = name, sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(names.Length);

        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            await page.Locator("#users-table tbody td.user").GetByText(name, new() { Exact = true }).ClickAsync();
            var rows = page.Locator("#events-table tbody tr");
            await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync(name);
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("hi from " + i);

            await page.ReloadAsync();
            await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync(name);
            await Expect(rows).ToHaveCountAsync(1);
            var download = await page.EvaluateAsync<string>("async () => (await fetch(document.getElementById('download-ndjson').href)).text()");
            Assert.Equal(name, System.Text.Json.JsonDocument.Parse(download.Trim()).RootElement.GetProperty("user").GetString());

            await page.GoBackAsync();
            await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        }

        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Session_EndedWhileWorking_SaysSoAndSigningInAgainReturnsToTheSameView()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret");
        var now = DateTimeOffset.UtcNow;
        await PostAsync(collector, "log/kim", Http.Envelope(null,
            new { level = "Information", message = "fine", timestamp = now.AddMinutes(-2), sequence = 1 },
            new { level = "Error", message = "broken", timestamp = now.AddMinutes(-1), sequence = 2 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=kim");
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);

        // The session ends on the collector (its lifetime, a restart): the next action meets a 401.
        var cookie = Assert.Single(await context.CookiesAsync());
        collector.Services.GetRequiredService<SessionStore>().Remove(cookie.Value);
        await page.Locator("[data-level=Error]").ClickAsync();

        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("Your session has ended: sign in again to go on where you were.");
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("broken");
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync(string.Empty);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task OlderEvents_AllAtOneTimestamp_EachShownOnceAcrossPagesAndDownloaded()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PostAsync(collector, "log/otto", Http.Envelope(null, [.. Enumerable.Range(0, 450).Select(i =>
            new { level = "Information", message = "same instant " + i, timestamp = at, sequence = i })]));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=otto");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(200);

        await page.Locator("#events-more").ClickAsync();
        await Expect(rows).ToHaveCountAsync(400);
        await page.Locator("#events-more").ClickAsync();
        await Expect(rows).ToHaveCountAsync(450);
        await Expect(page.Locator("#events-more")).ToBeHiddenAsync();

        var messages = await rows.Locator("td.msg").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(0, 450).Select(i => "same instant " + i).Order(), messages.Order());
        var download = await page.EvaluateAsync<string>("async () => (await fetch(document.getElementById('download-csv').href)).text()");
        Assert.Equal(451, download.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length); // the header and 450 rows
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task SignOut_WithTheLiveTailOn_ClosesTheStreamAndItOpensAgainAfterSigningIn()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret");
        var streams = collector.Services.GetRequiredService<LiveStreamLimiter>();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await SignInToLiveTailAsync(collector, page);
        Assert.Equal(1, streams.Open);
        var closed = AllClosed(streams);

        await page.Locator("#sign-out").ClickAsync();

        // A signed-out page receives no one's events: its stream is closed (the collector sees it go).
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await AwaitAsync(closed, "the live stream of a signed-out page is still open");
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        // Signing in again starts at the users list (sign-out cleared the address): the tail is opened again from there.
        await page.Locator("#users-table tbody tr a.open-user", new() { HasText = "kim" }).ClickAsync();
        await page.Locator("#live").CheckAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        Assert.Equal(1, streams.Open);
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task LiveTail_SessionEndedElsewhere_StreamEndsAndThePageAsksToSignIn()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret");
        var streams = collector.Services.GetRequiredService<LiveStreamLimiter>();
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await SignInToLiveTailAsync(collector, page);
        var closed = AllClosed(streams);
        // Every row the list gets from now on: asking to sign in clears the list, so a row shown before would be gone by the end.
        await page.EvaluateAsync("""
            () => {
              window.rowsAdded = [];
              new MutationObserver((changes) => {
                for (const change of changes) for (const node of change.addedNodes) window.rowsAdded.push(node.textContent);
              }).observe(document.querySelector("#events-table tbody"), { childList: true });
            }
            """);

        // Signed out in another tab (or past its lifetime): the session is gone; the next commit wakes the stream.
        collector.Services.GetRequiredService<SessionStore>().Remove(Assert.Single(await context.CookiesAsync()).Value);
        await PostAsync(collector, "log/kim", Http.Envelope(null, new { level = "Error", message = "after the session", timestamp = DateTimeOffset.UtcNow, sequence = 2 }));

        await AwaitAsync(closed, "the live stream of an ended session is still open");
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("Your session has ended: sign in again to go on where you were.");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        // The collector ended the stream at that commit without sending its event. Without its check the event came
        // (a row on top), its recount met the 401, and the page asked to sign in all the same.
        var added = await page.EvaluateAsync<string[]>("() => window.rowsAdded");
        Assert.DoesNotContain(added, row => row.Contains("after the session", StringComparison.Ordinal));
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Berlin, 25 Oct 2026: 02:00–03:00 local happens twice (CEST, then CET). A link's range lies in the second hour;
    /// changing one end in its box must leave the other end where the link put it, not re-read it from its box (where
    /// "02:10" is ambiguous and the browser takes the first: an hour earlier).
    /// </summary>
    [Fact]
    public async Task TimeRange_OneEndChangedInTheDaylightSavingHourThatRepeats_TheOtherEndStays()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:MaxAge=3650.00:00:00");
        var day = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        await PostAsync(collector, "log/lena", Http.Envelope(null, [.. new[] { 20, 40, 80, 100 }.Select((minutes, i) =>
            new { level = "Information", message = $"at {minutes} min UTC", timestamp = day.AddMinutes(minutes), sequence = i })]));
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin" });
        var page = await context.NewPageAsync();

        // 01:10Z–01:50Z: 02:10–02:50 CET, the second 02:xx of the night.
        await page.GotoAsync(collector.BaseAddress + "?user=lena&from=2026-10-25T01%3A10%3A00.000Z&to=2026-10-25T01%3A50%3A00.000Z");
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#timeline-from")).ToHaveValueAsync("2026-10-25 02:10 UTC+01:00"); // the offset tells this 02:10 from the first

        await page.Locator("#timeline-to").FillAsync("2026-10-25 03:30"); // CET only: 02:30Z
        await page.Locator("#timeline-to").PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new Regex("to=2026-10-25T02%3A30%3A59.999Z"));
        Assert.Contains("from=2026-10-25T01%3A10%3A00.000Z", page.Url, StringComparison.Ordinal);
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Last.Locator("td.msg")).ToHaveTextAsync("at 80 min UTC");
    }

    /// <summary>kim's timeline with the live tail on, signed in with the read key: the stream connected.</summary>
    private static async Task SignInToLiveTailAsync(CollectorFixture collector, Microsoft.Playwright.IPage page)
    {
        await PostAsync(collector, "log/kim", Http.Envelope(null, new { level = "Information", message = "fine", timestamp = DateTimeOffset.UtcNow, sequence = 1 }));
        await page.GotoAsync(collector.BaseAddress + "?user=kim&live=1");
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
    }

    /// <summary>Completes when a stream closes and none is left open (the limiter's signal, not a poll of its count).</summary>
    private static Task AllClosed(LiveStreamLimiter streams)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        streams.Closed = () =>
        {
            if (streams.Open == 0)
            {
                closed.TrySetResult();
            }
        };
        return closed.Task;
    }

    /// <summary>Waits for something the collector does on its own; the bound is a hang guard, not a speed limit.</summary>
    private static async Task AwaitAsync(Task signal, string failure)
    {
        try
        {
            await signal.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail(failure);
        }
    }

    private static async Task PostAsync(CollectorFixture collector, string path, string body)
    {
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, path, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
