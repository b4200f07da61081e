using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Signed out, back and forward only move the address: nothing is asked of the API (every request would be refused), and
/// the form says nothing of a session that ended. Signing in then shows the view the address names.
/// </summary>
public sealed class SignedOutNavigationConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task BackAndForward_AfterSignOut_AddressesClearedNoRefusedRequestsNoSessionEnded()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var refused = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (refused)
                {
                    refused.Add(response.Status + " " + response.Url);
                }
            }
        };
        await page.GotoAsync(collector.BaseAddress.ToString());
        await SignInAsync(page);
        await page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" }).ClickAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"\?user=bob&event=\d+$"));
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        // Before: the address kept ?user=bob&event=… (a shared screen, a bookmark made then showed whom support looked at).
        await Expect(page).ToHaveURLAsync(collector.BaseAddress.ToString());

        // Back reaches bob's timeline's entry: its address is cleared too (before: ?user=bob), and nothing is asked for.
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(collector.BaseAddress.ToString());
        await page.GoForwardAsync();
        await Expect(page).ToHaveURLAsync(collector.BaseAddress.ToString());
        // A request made meanwhile would have been sent by now: the sign-in's own round trip goes after any of them.
        await SignInAsync(page);
        // Signing in shows the view the address names: the users list, none of bob's events.
        await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(0);
        await Expect(page.Locator("#crumbs")).ToHaveTextAsync(string.Empty);

        // Before: the users list's and then bob's requests were refused (401), the form said "Your session has ended: sign
        // in again…" after a sign-out, and the status "Could not load users: missing API key: …".
        Assert.Empty(refused);
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task SignOut_WithAnEventOpen_NothingOfTheEventsLeftInThePage()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card 4111 declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await SignInAsync(page);
        await page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" }).ClickAsync();
        await page.Locator("#events-table tbody tr").First.ClickAsync();
        await Expect(page.Locator("#detail-body .message")).ToHaveTextAsync("card 4111 declined");

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();

        // Before: hidden, but still in the page (its source, the developer tools of a shared machine): the open event's
        // detail and the users list read before.
        Assert.DoesNotContain("4111", await page.EvaluateAsync<string>("() => document.body.textContent"), StringComparison.Ordinal);
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(0);

        // Signing in again starts at the users list: the address no longer names the event.
        await SignInAsync(page);
        await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
        await Expect(page.Locator("#detail")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// Sign-out leaves nothing of the last user's view in the boxes and links either: the searches typed (every user's,
    /// the timeline's), the range and the Download links (the export of bob's list, his name in their address) stayed in
    /// the page, hidden, for the next person at a shared machine.
    /// </summary>
    [Fact]
    public async Task SignOut_TypedSearchesRangeAndDownloadLinks_LeaveThePage()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        // Navigated once the sign-in is answered (SignInAsync): before, at the key press, the navigation could cancel the
        // sign-in on its way, and the page opened signed out (CI under load: no row for 60 s).
        await SignInAsync(page);
        await page.GotoAsync(collector.BaseAddress + "?user=bob&q=declined&from=2026-01-01T00:00Z");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        Assert.Contains("user=bob", await page.Locator("#download-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);
        await page.Locator("#everyone-q").EvaluateAsync("box => box.value = 'refund 4111'"); // typed on the users page, not sent

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        // Before: "declined", "refund 4111" and the range still in their boxes; the links at /api/events/export?user=bob….
        foreach (var box in new[] { "#timeline-q", "#everyone-q", "#users-search", "#timeline-from", "#timeline-to" })
        {
            await Expect(page.Locator(box)).ToHaveValueAsync(string.Empty);
        }

        Assert.Null(await page.Locator("#download-csv").GetAttributeAsync("href"));
        Assert.Null(await page.Locator("#download-ndjson").GetAttributeAsync("href"));
        Assert.DoesNotContain("bob", await page.EvaluateAsync<string>("() => document.body.innerHTML"), StringComparison.Ordinal);

        // Nor in the address (before: ?user=bob&q=declined&from=…, shown again to whoever signed in next).
        await Expect(page).ToHaveURLAsync(collector.BaseAddress.ToString());
        await SignInAsync(page);
        await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-q")).ToHaveValueAsync(string.Empty);
        Assert.Null(await page.Locator("#download-csv").GetAttributeAsync("href"));
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// A search still being typed when "Sign out" is clicked (the box's pause, 250 or 300 ms, not over) is dropped: it fired
    /// after the sign-out, put its words into the cleared address, and was asked for with the session of whoever signed in
    /// next. The page's clock is held, so the pause ends only when moved on, after the sign-out.
    /// </summary>
    [Fact]
    public async Task SignOut_WhileASearchIsBeingTyped_TheSearchIsNeverSent()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            lock (asked)
            {
                asked.Add(request.Url);
            }
        };
        await page.Clock.InstallAsync();
        await page.GotoAsync(collector.BaseAddress + "?user=bob");
        await SignInAsync(page);
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await page.Clock.PauseAtAsync(DateTime.UtcNow.AddSeconds(1)); // no timer fires until moved on

        // The timeline's search box, then the users list's "Find user".
        foreach (var (box, words) in new[] { ("#timeline-q", "refund"), ("#users-search", "4111") })
        {
            if (box == "#users-search")
            {
                await SignInAsync(page);
                await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
            }

            await page.Locator(box).FillAsync(words);
            await page.Locator("#sign-out").ClickAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
            await page.Clock.FastForwardAsync("00:02");

            // Before: the pause ended after the sign-out, and the address said ?q=refund (?search=4111).
            await Expect(page).ToHaveURLAsync(collector.BaseAddress.ToString());
        }

        await SignInAsync(page);
        await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
        lock (asked)
        {
            Assert.DoesNotContain(asked, url => url.Contains("refund", StringComparison.Ordinal) || url.Contains("4111", StringComparison.Ordinal));
        }

        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The level rules leave the page with the session: the rules' 15 s ticker went on after "Sign out", and when one rule
    /// expired it drew the others again, from the rules the page kept, into the hidden table (the page's source on a
    /// shared machine). The page's clock is held, then moved past the first rule's end.
    /// </summary>
    [Fact]
    public async Task SignOut_ThenARuleExpires_NoRuleDrawnAgain()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123", "--Collector:AdminApiKey=admin-secret-key-0123");
        foreach (var (user, duration) in new[] { ("bob", "00:30:00"), ("carol", "02:00:00") })
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/levels", UriKind.Relative))
            {
                Content = new StringContent($$"""{"user":"{{user}}","level":"Debug","duration":"{{duration}}"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-secret-key-0123");
            using var created = await collector.Client.SendAsync(create);
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.Clock.InstallAsync();
        await page.GotoAsync(collector.BaseAddress + "?user=bob");
        await SignInAsync(page);
        await Expect(page.Locator("#rules-table tbody tr")).ToHaveCountAsync(2);
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#rules-table tbody tr")).ToHaveCountAsync(0);

        await page.Clock.FastForwardAsync("31:00");

        // Before: carol's rule was drawn again when bob's expired (1 row in the hidden table).
        Assert.Equal(0, await page.Locator("#rules-table tbody tr").CountAsync());
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The users list asked for just before "Sign out" (a sort chosen, its answer held as a slow collector would) is dropped
    /// at the sign-out: it went on, and its answer (the 401 of the session just ended) said "Your session has ended"
    /// beside the form and "Could not load users" over "Signed out". The answer is let go once the page shows it signed out.
    /// </summary>
    [Fact]
    public async Task SignOut_WithTheUsersListOnItsWay_NothingDrawnNoErrorShown()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());
        await SignInAsync(page);
        await Expect(page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" })).ToBeVisibleAsync();
        var held = new TaskCompletionSource<Microsoft.Playwright.IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/users?**", async route =>
        {
            held.TrySetResult(route.Request);
            await release.Task;
            try
            {
                await route.ContinueAsync();
            }
            catch (Microsoft.Playwright.PlaywrightException)
            {
                // Aborted by the page while held: nothing to continue.
            }
        });
        var settled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.RequestFailed += (_, request) => { if (request.Url.Contains("/api/users?", StringComparison.Ordinal)) settled.TrySetResult("aborted"); };
        page.RequestFinished += (_, request) => { if (request.Url.Contains("/api/users?", StringComparison.Ordinal)) settled.TrySetResult("answered"); };

        await page.Locator("#users-sort").SelectOptionAsync("name");
        await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#users-table tbody tr")).ToHaveCountAsync(0);
        release.SetResult();

        // Before: the held list went on after the sign-out and was answered (its 401: "Your session has ended: sign in
        // again…" beside the form, "Could not load users: …" over "Signed out"). Dropped at the sign-out, it shows nothing.
        Assert.Equal("aborted", await settled.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync(string.Empty);
        Assert.Equal(0, await page.Locator("#users-table tbody tr").CountAsync());
        Assert.DoesNotContain("bob", await page.EvaluateAsync<string>("() => document.body.textContent"), StringComparison.Ordinal);
        Assert.Empty(dialogs);
    }

    /// <summary>
    /// The sign-in form is what the tab and the header name: after "Sign out", and after a session that ended (signed out
    /// in another tab), the tab's title said "bob · Support console" and the header "Users › bob" beside the form, on a
    /// shared machine. Signing in names the view again.
    /// </summary>
    [Fact]
    public async Task SignOutAndSessionEnd_TitleAndHeaderNameTheSignInNotTheUser()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-secret-key-0123");
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope(null,
            new { level = "Error", message = "card declined", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), sequence = 1 }));
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=bob");
        await Expect(page).ToHaveTitleAsync("Sign in · Support console");
        await SignInAsync(page);
        await Expect(page).ToHaveTitleAsync("bob · Support console");
        await Expect(page.Locator("#crumbs")).ToHaveTextAsync("Users › bob");

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        // Before: "bob · Support console" and "Users › bob" (and "Events of bob" in the page's source).
        await Expect(page).ToHaveTitleAsync("Sign in · Support console");
        await Expect(page.Locator("#crumbs")).ToHaveTextAsync(string.Empty);
        Assert.DoesNotContain("bob", await page.EvaluateAsync<string>("() => document.body.textContent"), StringComparison.Ordinal);

        await SignInAsync(page);
        await Expect(page).ToHaveTitleAsync("Support console");
        await page.Locator("#users-table tbody tr a.open-user", new() { HasText = "bob" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync("bob · Support console");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);

        // The session ends elsewhere (another tab signs out); the next request meets the 401.
        await page.EvaluateAsync("() => fetch('auth/sign-out', { method: 'POST' })");
        // A request of the page's own (the live tail's catch-up read, a recount) may meet the 401 first and show the form
        // before a click could land on the hidden button (a 30 s timeout in a run under load): a DOM click needs no
        // visible button, and is the next request when the page had none.
        await page.Locator("[data-level=Error]").DispatchEventAsync("click");
        await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("Your session has ended: sign in again to go on where you were.");
        await Expect(page).ToHaveTitleAsync("Sign in · Support console");
        await Expect(page.Locator("#crumbs")).ToHaveTextAsync(string.Empty);
        // An ended session keeps the address: signing in again goes on where it was.
        await Expect(page).ToHaveURLAsync(new Regex(@"\?user=bob(&|$)"));
        Assert.Empty(dialogs);
    }

    private static Task SignInAsync(Microsoft.Playwright.IPage page) => ConsoleSignIn.SignInAsync(page, "read-secret-key-0123");
}
