using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: the kinds of events (message templates). The top values list the most common kinds of what the
/// timeline shows; one click lists that kind only (a chip removes it); an event's "Everyone with this kind" opens every
/// user's events of its kind, whose top users lead to one user's events of it; the live tail keeps to the kind;
/// a template with markup is text.
/// </summary>
public sealed class KindConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Paid = "Order {OrderId} paid";
    private const string Declined = "Payment of {Amount} declined";
    private const string Script = "<script>alert(1)</script> {X}";

    [Fact]
    public async Task TopMessages_OneClickListsThatKind_TheChipRemovesIt()
    {
        var now = DateTimeOffset.UtcNow;
        await using var shop = await OpenAsync(
            new("alice", now.AddMinutes(-9), "Information", Paid, "Order 1 paid"),
            new("alice", now.AddMinutes(-8), "Error", Declined, "Payment of 5 declined"),
            new("alice", now.AddMinutes(-7), "Information", Paid, "Order 2 paid"),
            new("alice", now.AddMinutes(-6), "Error", Declined, "Payment of 7 declined"),
            new("alice", now.AddMinutes(-5), "Information", Paid, "Order 3 paid"),
            new("alice", now.AddMinutes(-4), "Warning", null, "printer offline"));
        var (page, rows) = (shop.Page, shop.Rows.Locator("td.msg"));
        var kinds = page.Locator("#top-values [aria-label='Messages'] .value");

        await shop.GotoAsync("?user=alice");
        await Expect(kinds).ToHaveTextAsync([Paid + " 3", Declined + " 2", "printer offline 1"]);
        await Expect(kinds.Nth(1).Locator(".count")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("hot"));
        await ChromiumFixture.ScreenshotAsync(page, "41-top-messages");

        await page.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Declined, Exact = true }).ClickAsync();

        await Expect(rows).ToHaveTextAsync(["Payment of 7 declined", "Payment of 5 declined"]);
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Message: " + Declined + "×"]);
        Assert.Contains("template=Payment+of+%7BAmount%7D+declined", page.Url, StringComparison.Ordinal);
        Assert.Contains("template=Payment", await page.Locator("#download-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);
        // The list is one kind now: no kinds to choose from.
        await Expect(page.Locator("#top-values [aria-label='Messages']")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove filter message " + Declined, Exact = true }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(6);
        await Expect(page.Locator("#property-chips")).ToBeHiddenAsync();
        Assert.DoesNotContain("template=", page.Url, StringComparison.Ordinal);

        await page.GoBackAsync();
        await Expect(rows).ToHaveTextAsync(["Payment of 7 declined", "Payment of 5 declined"]);
        Assert.Empty(shop.Dialogs);
    }

    [Fact]
    public async Task Detail_EveryoneWithThisKind_WhoElseHitIt_AUserKeepsTheKind_LiveTailKeepsToIt()
    {
        var now = DateTimeOffset.UtcNow;
        await using var shop = await OpenAsync(
            new("bob", now.AddHours(-30), "Error", Declined, "Payment of 1 declined"),
            new("bob", now.AddMinutes(-9), "Error", Declined, "Payment of 2 declined"),
            new("carol", now.AddMinutes(-8), "Information", Paid, "Order 9 paid"),
            new("alice", now.AddMinutes(-7), "Error", Declined, "Payment of 3 declined"));
        var (page, rows) = (shop.Page, shop.Rows);

        await shop.GotoAsync("?user=alice&range=24h");
        await shop.OpenEventAsync("Payment of 3 declined");
        await page.GetByRole(AriaRole.Button, new() { Name = "Everyone with this kind", Exact = true }).ClickAsync();

        // Every user's events of the kind in the list's range (24 hours), newest first; not carol's other kind; 7 days one click.
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 3 declined", "Payment of 2 declined"]);
        await Expect(rows.Locator("td.col-user")).ToHaveTextAsync(["alice", "bob"]);
        await Expect(page.Locator("[data-range='24h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Locator("[data-range='7d']").ClickAsync();
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 3 declined", "Payment of 2 declined", "Payment of 1 declined"]);
        var users = page.Locator("#top-values [aria-label='Users'] .value");
        await Expect(users).ToHaveTextAsync(["bob 2", "alice 1"]);

        // The live tail of everyone keeps to the kind.
        await page.Locator("#live").CheckAsync();
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("connected");
        await shop.PostAsync(new("erin", DateTimeOffset.UtcNow, "Information", Paid, "Order 10 paid"));
        await shop.PostAsync(new("erin", DateTimeOffset.UtcNow, "Error", Declined, "Payment of 4 declined"));
        await Expect(rows.First.Locator("td.msg")).ToHaveTextAsync("Payment of 4 declined");
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 4 declined", "Payment of 3 declined", "Payment of 2 declined", "Payment of 1 declined"]);
        await page.Locator("#live").UncheckAsync();

        // One user's events of that kind, in the same range.
        await users.First.ClickAsync();
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 2 declined", "Payment of 1 declined"]);
        await Expect(page.Locator("#crumbs")).ToContainTextAsync("bob");
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Message: " + Declined + "×"]);
        Assert.Empty(shop.Dialogs);
    }

    [Fact]
    public async Task Detail_EveryoneWithThisKind_FollowsTheListsRange_AndSaysIt()
    {
        var now = DateTimeOffset.UtcNow;
        await using var shop = await OpenAsync(
            new("bob", now.AddDays(-3), "Error", Declined, "Payment of 1 declined"),
            new("bob", now.AddMinutes(-9), "Error", Declined, "Payment of 2 declined"),
            new("alice", now.AddDays(-2), "Error", Declined, "Payment of 3 declined"));
        var (page, rows) = (shop.Page, shop.Rows);
        var everyone = page.GetByRole(AriaRole.Button, new() { Name = "Everyone with this kind", Exact = true });

        // A week's list: everyone's events of the kind in that week, not in the last 24 hours only.
        await shop.GotoAsync("?user=alice&range=7d");
        await shop.OpenEventAsync("Payment of 3 declined");
        await everyone.ClickAsync();
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 2 declined", "Payment of 3 declined", "Payment of 1 declined"]);
        await Expect(page.Locator("[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.GoBackAsync();
        await Expect(everyone).ToHaveAttributeAsync("title", "Every user's events of this kind, the last 7 days: " + Declined);

        // A list of dates: everyone's events of the kind between the same dates.
        var from = now.AddDays(-4).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var to = now.AddDays(-1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        await shop.GotoAsync($"?user=alice&from={from}&to={to}");
        await shop.OpenEventAsync("Payment of 3 declined");
        await everyone.ClickAsync();
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 3 declined", "Payment of 1 declined"]);
        Assert.Contains("from=" + Uri.EscapeDataString(from), page.Url, StringComparison.Ordinal);
        Assert.Contains("to=" + Uri.EscapeDataString(to), page.Url, StringComparison.Ordinal);
        Assert.Contains("all=1", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Expect(everyone).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^Every user's events of this kind, from .+ to .+: "));
        Assert.Empty(shop.Dialogs);
    }

    [Fact]
    public async Task KindWithMarkup_ShownAsTextInTheTopValuesTheChipAndTheEmptyList()
    {
        await using var shop = await OpenAsync(new Sent("alice", DateTimeOffset.UtcNow.AddMinutes(-1), "Information", Script, "<script>alert(1)</script> 1"));
        var page = shop.Page;

        await shop.GotoAsync("?user=alice");
        await Expect(page.Locator("#top-values [aria-label='Messages'] .kind-text")).ToHaveTextAsync([Script]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Only the events of " + Script, Exact = true }).ClickAsync();

        await Expect(page.Locator("#property-chips .chip > span")).ToHaveTextAsync(["Message: " + Script]);
        await page.Locator("[data-level='Error']").ClickAsync();
        await Expect(page.Locator("#events-empty")).ToHaveTextAsync($"No events for alice of the kind “{Script}” at Error, Critical, at any time.");
        Assert.Equal(0, await page.Locator("#property-chips script, #top-values script, #events-empty script").CountAsync());
        Assert.Empty(shop.Dialogs);
    }

    /// <summary>
    /// "Is it only this user?" with the list at the last 15 minutes: the button keeps the list's range (nobody else in it),
    /// and beside it the users who had the kind in the last 7 days, a link to everyone's events of it then.
    /// </summary>
    [Fact]
    public async Task Detail_NarrowRange_SaysHowManyUsersHadTheKindInTheLast7Days_ALinkListsThem()
    {
        var now = DateTimeOffset.UtcNow;
        await using var shop = await OpenAsync(
            new("dave", now.AddDays(-10), "Error", Declined, "Payment of 1 declined"),
            new("carol", now.AddDays(-3), "Error", Declined, "Payment of 2 declined"),
            new("bob", now.AddHours(-20), "Error", Declined, "Payment of 3 declined"),
            new("bob", now.AddHours(-19), "Error", Declined, "Payment of 4 declined"),
            new("alice", now.AddMinutes(-6), "Information", Paid, "Order 7 paid"),
            new("alice", now.AddMinutes(-5), "Error", Declined, "Payment of 5 declined"));
        var (page, rows, reach) = (shop.Page, shop.Rows, shop.Reach);

        await shop.GotoAsync("?user=alice&range=15m");
        await shop.OpenEventAsync("Order 7 paid");
        await Expect(reach).ToHaveTextAsync("· only this user in the last 7 days (1 event)");
        await shop.OpenEventAsync("Payment of 5 declined");
        await Expect(reach).ToHaveTextAsync("· 3 users in the last 7 days (4 events)");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Everyone with this kind", Exact = true }))
            .ToHaveAttributeAsync("title", "Every user's events of this kind, the last 15 min: " + Declined);

        await reach.Locator("a").ClickAsync();

        await Expect(rows.Locator("td.msg")).ToHaveTextAsync(["Payment of 5 declined", "Payment of 4 declined", "Payment of 3 declined", "Payment of 2 declined"]);
        await Expect(page.Locator("[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#property-chips .chip")).ToHaveTextAsync(["Message: " + Declined + "×"]);
        Assert.Contains("all=1", page.Url, StringComparison.Ordinal);
        await page.GoBackAsync();
        await Expect(reach).ToHaveTextAsync("· 3 users in the last 7 days (4 events)");
        Assert.Empty(shop.Dialogs);
    }

    /// <summary>
    /// "Since which version does this error occur?": under an event's kind buttons, the version its kind was first seen in
    /// over the last 7 days and the one it was last seen in, with their times in the browser's zone; a kind of one version
    /// says "only". The version of 10 days ago is outside the week and not named.
    /// </summary>
    [Fact]
    public async Task Detail_KindInSeveralVersions_SaysTheFirstAndLastVersionOfTheLast7DaysWithTheirTimes()
    {
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var (first, last, paid) = (now.AddDays(-3), now.AddMinutes(-5), now.AddMinutes(-6));
        await using var shop = await OpenInContextAsync(
            new BrowserNewContextOptions { TimezoneId = "Asia/Tokyo", Locale = "en-US" },
            new("dave", now.AddDays(-10), "Error", Declined, "Payment of 1 declined", "2.3.0"),
            new("carol", first, "Error", Declined, "Payment of 2 declined", "2.4.1"),
            new("bob", now.AddHours(-20), "Error", Declined, "Payment of 3 declined", "2.4.1"),
            new("bob", now.AddHours(-19), "Error", Declined, "Payment of 4 declined", "2.5.0"),
            new("alice", paid, "Information", Paid, "Order 7 paid", "2.6.0"),
            new("alice", paid.AddMinutes(-2), "Warning", Script, "Slow 1", "2.6.0"),
            new("alice", paid.AddMinutes(-1), "Warning", Script, "Slow 2", "2.6.0"),
            new("alice", last, "Error", Declined, "Payment of 5 declined", "2.5.0"));
        var versions = shop.Page.Locator("#detail-body .kind-versions");
        static string Tokyo(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + " UTC+09:00";

        await shop.GotoAsync("?user=alice&range=15m");
        await shop.OpenEventAsync("Payment of 5 declined");
        await Expect(versions).ToHaveTextAsync($"Versions in the last 7 days: first Shop 2.4.1 at {Tokyo(first)}, last Shop 2.5.0 at {Tokyo(last)} (2 versions)");

        // A kind of one event: its time once (it read "from 10:35:20.822 to 10:35:20.822").
        await shop.OpenEventAsync("Order 7 paid");
        await Expect(versions).ToHaveTextAsync($"Versions in the last 7 days: only Shop 2.6.0, at {Tokyo(paid)}");
        await shop.OpenEventAsync("Slow 2");
        await Expect(versions).ToHaveTextAsync($"Versions in the last 7 days: only Shop 2.6.0, from {Tokyo(paid.AddMinutes(-2))} to {Tokyo(paid.AddMinutes(-1))}");
    }

    /// <summary>
    /// The events without a user are nobody's: not one more user beside the kind, said apart. Bob's and x's events of a
    /// kind and one without a user read "2 users", not 3; bob's alone beside two without a user "only this user".
    /// </summary>
    [Fact]
    public async Task Detail_KindAlsoLoggedWithoutAUser_ThoseEventsSaidApart_NotCountedAsAUser()
    {
        var now = DateTimeOffset.UtcNow;
        await using var shop = await OpenAsync(
            new("bob", now.AddMinutes(-9), "Error", Declined, "Payment of 1 declined"),
            new("x", now.AddMinutes(-8), "Error", Declined, "Payment of 2 declined"),
            new(null, now.AddMinutes(-7), "Error", Declined, "Payment of 3 declined"),
            new("bob", now.AddMinutes(-6), "Error", Paid, "Order 4 paid"),
            new(null, now.AddMinutes(-5), "Error", Paid, "Order 5 paid"),
            new(null, now.AddMinutes(-4), "Error", Paid, "Order 6 paid"));

        await shop.GotoAsync("?user=bob");
        await shop.OpenEventAsync("Payment of 1 declined");
        await Expect(shop.Reach).ToHaveTextAsync("· 2 users in the last 7 days (2 events; +1 event without a user)");
        await shop.OpenEventAsync("Order 4 paid");
        await Expect(shop.Reach).ToHaveTextAsync("· only this user in the last 7 days (1 event; +2 events without a user)");

        await shop.GotoAsync("?nouser=1");
        await shop.OpenEventAsync("Order 6 paid");
        await Expect(shop.Reach).ToHaveTextAsync("· 1 user in the last 7 days (1 event; +2 events without a user)");
        Assert.Empty(shop.Dialogs);
    }

    /// <summary>
    /// A kind's 7-day count scans every event of the kind in the week (about 2 s on a store of a million events): opening
    /// another event while it runs aborts it (j/k through mixed kinds started one scan per event, none cancelled), and the
    /// aborted answer is not kept: the kind opened again is counted. The first event's count is held at the browser's
    /// network layer (a fault: a read slower than the steps), so it is certainly in flight when the second opens.
    /// </summary>
    [Fact]
    public async Task Detail_AnotherEventOpenedWhileItsKindIsCounted_TheCountIsAborted_AndAskedAgainLater()
    {
        var (shop, held) = await OpenOrder7WhileItsCountIsHeldAsync();
        await using var _ = shop;

        await shop.OpenEventAsync("Payment of 5 declined");

        await Expect(shop.Reach).ToHaveTextAsync("· only this user in the last 7 days (1 event)");
        Assert.Equal("net::ERR_ABORTED", await held.FirstFailure.WaitAsync(TimeSpan.FromSeconds(30)));
        held.Release();
        await shop.OpenEventAsync("Order 7 paid");
        await Expect(shop.Reach).ToHaveTextAsync("· only this user in the last 7 days (1 event)");
        Assert.Empty(shop.Dialogs);
    }

    /// <summary>
    /// The event shown rendered again (its context opened, its row clicked again, a level or search changed with it open):
    /// each render aborted every read of the one before, its kind's count among them, which the new render asked again
    /// 300 ms later — a scan of the week (about 2 s on a store of a million events) thrown away and started over at each
    /// such change, the line never shown while they came quicker. The count is the event's: it goes on until another
    /// event opens or the detail closes, and the new render shows its answer. Held at Playwright's route (a fault: a read
    /// slower than the steps) until both renders are done.
    /// </summary>
    [Fact]
    public async Task Detail_SameEventRenderedAgainWhileItsKindIsCounted_TheCountGoesOn_AskedOnce()
    {
        var (shop, held) = await OpenOrder7WhileItsCountIsHeldAsync();
        await using var _ = shop;

        // Rendered again twice: its context opened (its list shown, by time: the second render ran), then its row clicked
        // again (the list gone: the third).
        var contextList = shop.Page.Locator("#detail-body .context-slot .context-list");
        await shop.Page.Locator("#detail-context").ClickAsync();
        await Expect(shop.Page.Locator("#detail-body .context-slot h3")).ToContainTextAsync("by time");
        await shop.OpenEventAsync("Order 7 paid");
        await Expect(contextList).ToHaveCountAsync(0);
        held.Release();

        await Expect(shop.Reach).ToHaveTextAsync("· only this user in the last 7 days (1 event)");
        // Before: the first count aborted (net::ERR_ABORTED) at the second render, and asked again.
        Assert.Empty(held.Failures);
        Assert.Equal(1, held.Asks);
        Assert.Empty(shop.Dialogs);
    }

    /// <summary>A collector holding <paramref name="events"/> and a page on it (1280×800, its dialogs kept).</summary>
    private Task<ShopPage> OpenAsync(params Sent[] events) => StartAsync(() => chromium.NewPageAsync(), events);

    /// <summary>A collector holding <paramref name="events"/> and a page on it in a context made with <paramref name="options"/>.</summary>
    private Task<ShopPage> OpenInContextAsync(BrowserNewContextOptions options, params Sent[] events) => StartAsync(
        async () =>
        {
            var context = await chromium.Browser.NewContextAsync(options);
            return (context, await context.NewPageAsync(), new List<string>());
        },
        events);

    private static async Task<ShopPage> StartAsync(Func<Task<(IBrowserContext Context, IPage Page, List<string> Dialogs)>> newPage, Sent[] events)
    {
        var collector = await CollectorFixture.StartAsync();
        try
        {
            foreach (var sent in events)
            {
                await PostAsync(collector, sent);
            }

            var (context, page, dialogs) = await newPage();
            return new ShopPage(collector, context, page, dialogs);
        }
        catch
        {
            await collector.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// alice's "Order 7 paid" (of the kind Paid) and "Payment of 5 declined" (Declined), her timeline open and the first
    /// opened, its kind's count asked and held (in flight).
    /// </summary>
    private async Task<(ShopPage Shop, HeldCount Held)> OpenOrder7WhileItsCountIsHeldAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var shop = await OpenAsync(
            new("alice", now.AddMinutes(-6), "Information", Paid, "Order 7 paid"),
            new("alice", now.AddMinutes(-5), "Error", Declined, "Payment of 5 declined"));
        try
        {
            var held = await HeldCount.HoldAsync(shop.Page, Paid);
            await shop.GotoAsync("?user=alice");
            var asked = held.NextAskAsync();
            await shop.OpenEventAsync("Order 7 paid");
            await asked;
            return (shop, held);
        }
        catch
        {
            await shop.DisposeAsync();
            throw;
        }
    }

    /// <summary>One event of the app Shop on the machine PC, sent alone as its user's (none: to <c>/log</c>).</summary>
    private static async Task PostAsync(CollectorFixture collector, Sent sent)
    {
        var (user, at, level, template, message, version) = sent;
        var body = JsonSerializer.Serialize(new { app = "Shop", version, machine = "PC", user, events = new object[] { new { timestamp = at, level, template, message } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, user is null ? "log" : "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    /// <summary>An event as a test sends it (PostAsync).</summary>
    private sealed record Sent(string? User, DateTimeOffset At, string Level, string? Template, string Message, string? Version = null);

    /// <summary>The collector and the page on it, disposed together (the browser context first).</summary>
    private sealed class ShopPage(CollectorFixture collector, IBrowserContext context, IPage page, List<string> dialogs) : IAsyncDisposable
    {
        public IPage Page => page;

        public List<string> Dialogs => dialogs;

        /// <summary>The timeline's rows.</summary>
        public ILocator Rows => page.Locator("#events-table tbody tr");

        /// <summary>Beside "Everyone with this kind": its users in the last 7 days.</summary>
        public ILocator Reach => page.Locator("#detail-body .kind-reach");

        /// <summary>The console at <paramref name="query"/> ("?user=alice").</summary>
        public Task GotoAsync(string query) => page.GotoAsync(collector.BaseAddress + query);

        /// <summary>Opens the timeline's event whose row has <paramref name="text"/>.</summary>
        public Task OpenEventAsync(string text) => Rows.Filter(new() { HasText = text }).ClickAsync();

        public Task PostAsync(Sent sent) => KindConsoleTests.PostAsync(collector, sent);

        public async ValueTask DisposeAsync()
        {
            await context.DisposeAsync();
            await collector.DisposeAsync();
        }
    }

    /// <summary>
    /// The 7-day count of a kind (its summary read) held at Playwright's route until <see cref="Release"/> (a fault: a
    /// read slower than the steps, so it is certainly in flight while they run), its requests and failures counted.
    /// </summary>
    private sealed class HeldCount
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<string?> _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string?> _failures = [];
        private readonly IPage _page;
        private readonly string _kind;
        private int _asks;

        private HeldCount(IPage page, string kind) => (_page, _kind) = (page, kind);

        /// <summary>How many times the count was asked.</summary>
        public int Asks => Volatile.Read(ref _asks);

        /// <summary>Why each request of the count failed (net::ERR_ABORTED: aborted by the page).</summary>
        public string?[] Failures
        {
            get
            {
                lock (_failures)
                {
                    return [.. _failures];
                }
            }
        }

        /// <summary>Why the first request of the count that failed did.</summary>
        public Task<string?> FirstFailure => _firstFailure.Task;

        public static async Task<HeldCount> HoldAsync(IPage page, string kind)
        {
            var held = new HeldCount(page, kind);
            await page.RouteAsync(held.IsCount, async route =>
            {
                await held._release.Task;
                try
                {
                    await route.ContinueAsync();
                }
                catch (PlaywrightException)
                {
                    // The request was aborted while held: nothing to continue.
                }
            });
            page.Request += (_, request) =>
            {
                if (held.IsCount(request.Url))
                {
                    Interlocked.Increment(ref held._asks);
                }
            };
            page.RequestFailed += (_, request) =>
            {
                if (held.IsCount(request.Url))
                {
                    lock (held._failures)
                    {
                        held._failures.Add(request.Failure);
                    }

                    held._firstFailure.TrySetResult(request.Failure);
                }
            };
            return held;
        }

        /// <summary>The next request of the count, once sent (held).</summary>
        public Task<IRequest> NextAskAsync() => _page.WaitForRequestAsync(request => IsCount(request.Url));

        /// <summary>Lets the held requests (and those to come) go on.</summary>
        public void Release() => _release.TrySetResult();

        private bool IsCount(string url) =>
            new Uri(url).AbsolutePath == "/api/events/summary" && System.Web.HttpUtility.ParseQueryString(new Uri(url).Query) is var query
            && query["top"] == "user,version" && query["template"] == _kind;
    }
}
