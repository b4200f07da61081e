using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Alerts;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// The console under a path prefix (<c>https://intranet.example.com/logs/</c>) in a real Chromium: the page loaded its
/// files from <c>/app.js</c>, called <c>/api/…</c> and linked <c>/?user=…</c>, all outside the prefix. Served by the
/// collector itself under <c>Collector:PathBase</c> (a proxy that passes the prefix on), and through a real proxy that
/// strips it (the collector at its root, <c>Collector:PublicUrl</c> with the prefix): sign in, the users, a user's
/// events, an event, a search, a deep link and sign-out, every request under the prefix, the cookie's path the prefix.
/// </summary>
public sealed class PathBaseConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Console_ServedUnderPathBase_EveryViewWorksAndEveryRequestUnderThePrefix()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:PathBase=/logs", "--Collector:ReadApiKey=read-secret");
        var console = new Uri(collector.BaseAddress, "logs/");
        await PostEventsAsync(new Uri(console, "log/"), null);

        // The prefix without its '/' (a link typed by hand) is sent to the folder the page's addresses are relative to.
        await WalkAsync(new Uri(collector.BaseAddress, "logs"), console);
    }

    [Fact]
    public async Task Console_BehindAProxyThatStripsThePrefix_EveryViewWorksAndEveryRequestUnderThePrefix()
    {
        await using var proxy = await StrippingProxy.StartAsync("/logs");
        // Keys: a collector on loopback without them refuses what comes through a proxy (README, TLS).
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-secret", "--Collector:ReadApiKey=read-secret", "--Collector:PublicUrl=" + proxy.Address);
        proxy.Upstream = collector.BaseAddress;
        await PostEventsAsync(new Uri(proxy.Address, "log/"), "ingest-secret");

        await WalkAsync(proxy.Address, proxy.Address);

        Assert.All(proxy.Asked, path => Assert.StartsWith("/logs/", path, StringComparison.Ordinal));
    }

    /// <summary>
    /// The Alerts view under <c>Collector:PathBase</c>: the header's link, a fired rule's "Events it notified" (the API's
    /// link, from the collector's root) and its window's link (asked for again when followed) open under the prefix.
    /// </summary>
    [Fact]
    public async Task AlertsView_ServedUnderPathBase_ItsLinksOpenTheEventsUnderThePrefix()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:PathBase=/logs"]);
        var console = new Uri(scenario.Collector.BaseAddress, "logs/");
        using var prefixed = new HttpClient { BaseAddress = console };
        await Http.PostStoredAsync(prefixed, "log/alice", Http.Envelope(null,
            new { level = "Error", message = "payment 1 failed", timestamp = AlertScenario.T0, sequence = 1 },
            new { level = "Error", message = "payment 2 failed", timestamp = AlertScenario.T0.AddSeconds(1), sequence = 2 }));
        await scenario.EvaluateAtAsync(TimeSpan.FromMinutes(5));
        var (_, alertsText) = await Http.SendAsync(prefixed, HttpMethod.Get, "api/alerts");
        var notifiedLink = JsonDocument.Parse(alertsText).RootElement.GetProperty("alerts")[0].GetProperty("lastFiredLink").GetString()!;
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var requested = new ConcurrentQueue<string>();
        page.Request += (_, request) => requested.Enqueue(request.Url);

        await page.GotoAsync(console.AbsoluteUri);
        await Expect(page.Locator("#users-view")).ToBeVisibleAsync();
        await page.Locator("#alerts-link").ClickAsync();
        var rows = page.Locator("#alerts-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        Assert.Equal(console.AbsoluteUri + "?alerts=1", page.Url);
        await Expect(rows.Locator(".alert-webhook")).ToHaveTextAsync("127.0.0.1: delivered");

        await rows.GetByRole(AriaRole.Link, new() { Name = "Events it notified" }).ClickAsync();
        await Expect(page.Locator("#events-table tbody tr td.msg", new() { HasText = "failed" })).ToHaveCountAsync(2);
        Assert.Equal(console.AbsoluteUri + notifiedLink.TrimStart('/'), page.Url);

        await page.GoBackAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await rows.GetByRole(AriaRole.Link, new() { Name = "Events in the last 1 h" }).ClickAsync();
        await Expect(page.Locator("#timeline-view")).ToBeVisibleAsync();
        Assert.StartsWith(console.AbsoluteUri + "?all=1&", page.Url, StringComparison.Ordinal);

        Assert.All(requested.Where(url => new Uri(url).AbsolutePath != "/favicon.ico"), url => Assert.StartsWith(console.AbsoluteUri, url, StringComparison.Ordinal));
        Assert.Empty(dialogs);
    }

    private static async Task PostEventsAsync(Uri ingest, string? key)
    {
        using var client = new HttpClient { BaseAddress = ingest };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var now = DateTimeOffset.UtcNow;
        var sequence = 0;
        foreach (var (user, messages) in new[] { ("ana", new[] { "payment 17 declined", "basket opened" }), ("ben", ["report printed"]) })
        {
            var (status, text) = await Http.SendAsync(client, HttpMethod.Post, user, Http.Utf8(Http.Envelope(null, [.. messages.Select((m, i) => new
            {
                level = i == 0 ? "Error" : "Information",
                message = m,
                timestamp = now.AddMinutes(i - 10),
                sequence = sequence++,
            })])), "application/json");
            Assert.True(status == HttpStatusCode.OK, text);
        }
    }

    /// <summary>Support's walk through the console at <paramref name="console"/> (its folder, ending in '/'), opened at <paramref name="start"/>.</summary>
    private async Task WalkAsync(Uri start, Uri console)
    {
        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        var requested = new ConcurrentQueue<string>();
        page.Request += (_, request) => requested.Enqueue(request.Url);

        await page.GotoAsync(start.AbsoluteUri);
        await page.Locator("#sign-in-key").FillAsync("read-secret");
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();

        // The users, then ana's events by her link.
        var users = page.Locator("#users-table tbody tr");
        await Expect(users).ToHaveCountAsync(2);
        await page.Locator("#users-table a.open-user", new() { HasText = "ana" }).ClickAsync();
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.StartsWith(console.AbsoluteUri + "?", page.Url, StringComparison.Ordinal);

        // An event, then a search.
        await rows.Filter(new() { HasText = "payment 17 declined" }).ClickAsync();
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("payment 17 declined");
        var deepLink = page.Url;
        Assert.Contains("event=", deepLink, StringComparison.Ordinal);
        await page.Locator("#detail-close").ClickAsync();
        await page.Locator("#timeline-q").FillAsync("basket");
        await page.Locator("#timeline-q").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Locator("td.msg")).ToHaveTextAsync("basket opened");

        // A deep link (?user=…&event=…) opened as a page of its own.
        await page.GotoAsync(deepLink);
        await Expect(page.Locator("#detail .message")).ToHaveTextAsync("payment 17 declined");

        // The brand link back to the users list stays under the prefix.
        await page.Locator("header a.brand").ClickAsync();
        await Expect(users).ToHaveCountAsync(2);
        Assert.Equal(console.AbsoluteUri, page.Url.Split('?')[0]);

        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.Equal(console.AbsolutePath, cookie.Path);
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        Assert.Empty(await context.CookiesAsync());

        // Every file, call and link the page made, under the prefix (Chromium's own /favicon.ico aside).
        Assert.All(requested.Where(url => new Uri(url).AbsolutePath != "/favicon.ico" && url != start.AbsoluteUri),
            url => Assert.StartsWith(console.AbsoluteUri, url, StringComparison.Ordinal));
        Assert.Empty(dialogs);
    }
}
