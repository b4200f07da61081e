using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium, users' names as support meets them: a name of 1,000 characters without a break, an e-mail
/// address, a double-barrelled name, markup. A name wraps at its spaces, hyphens, dots and @, never inside a word (a
/// phone's everyone's timeline showed "Oberbergm" over "eister"); a run too long for its column is cut with "…", the
/// whole name in its title; the users table at 1366 px is no wider than the page (it was about twelve screens wide).
/// </summary>
public sealed class LongNameConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Unbroken = new('Z', 1000);

    private const string DoubleBarrelled = "Maximilian-Alexander Oberbergmeister";

    private const string Email = "dave.with.a.very.long.user.name@example-corporation.com";

    private const string Markup = "<img src=x onerror=alert(1)>";

    /// <summary>The words of a name that lie on more than one line: broken inside ("Oberbergm", "eister").</summary>
    private const string BrokenWords = """
        (cell, words) => {
          const node = cell.querySelector('.name') ?? cell;
          const text = node.textContent;
          return words.filter(word => {
            const at = text.indexOf(word);
            if (at < 0) return true;
            const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
            let offset = 0, start = null, end = null;
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
              const length = t.textContent.length;
              if (start == null && at < offset + length) start = [t, at - offset];
              if (end == null && at + word.length <= offset + length) { end = [t, at + word.length - offset]; break; }
              offset += length;
            }
            const range = document.createRange();
            range.setStart(...start);
            range.setEnd(...end);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            return tops.size > 1;
          });
        }
        """;

    [Fact]
    public async Task UsersList_At1366Px_ANameOf1000Characters_TableNoWiderThanThePage_NameWholeInItsTitle()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1366, height: 768);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress.ToString());
        var cell = page.Locator("#users-table tbody tr[data-user='" + Unbroken + "'] td.user");
        await Expect(cell).ToHaveTextAsync(Unbroken);
        await ChromiumFixture.ScreenshotAsync(page, "101-users-1366px-long-name");

        // Before: the table 16,000 px wide in its scrolling box.
        var widths = await page.EvaluateAsync<double[]>(
            "() => { const t = document.getElementById('users-table'); return [t.getBoundingClientRect().width, t.parentElement.clientWidth, document.documentElement.scrollWidth, innerWidth]; }");
        Assert.True(widths[0] <= widths[1], $"the users table is {widths[0]} px wide in {widths[1]} px");
        Assert.True(widths[2] <= widths[3], $"the page is {widths[2]} px wide in {widths[3]} px");
        await Expect(cell.Locator("a.open-user")).ToHaveAttributeAsync("title", Unbroken);
        await Expect(page.Locator("#users-table tbody tr[data-user='" + Markup + "'] td.user")).ToHaveTextAsync(Markup);
        var email = page.Locator("#users-table tbody tr[data-user='" + Email + "'] td.user");
        Assert.Empty(await email.EvaluateAsync<string[]>(BrokenWords, Email.Split('.', '@', '-')));

        // The whole name is one click away: its timeline, named in the header (two lines at most there).
        await cell.Locator("a.open-user").ClickAsync();
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#crumbs strong")).ToHaveAttributeAsync("title", Unbroken);
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('header.top').getBoundingClientRect().height < 80"), "the header holds the whole name");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task EveryonesTimeline_OnAPhone_NamesBreakBetweenWordsNotInside()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?all=1");
        var users = page.Locator("#events-table tbody tr td.col-user");
        await Expect(users).ToHaveCountAsync(4);
        await ChromiumFixture.ScreenshotAsync(page, "102-phone-everyone-names");

        // Before: "Oberbergm" over "eister", "ZZZZZZZZ" on 125 lines.
        var named = users.Filter(new() { HasText = DoubleBarrelled });
        Assert.Empty(await named.EvaluateAsync<string[]>(BrokenWords, new[] { "Maximilian", "Alexander", "Oberbergmeister" }));
        var email = users.Filter(new() { HasText = "dave.with" });
        Assert.Empty(await email.EvaluateAsync<string[]>(BrokenWords, new[] { "dave", "with", "very", "long", "user", "name" }));
        var unbroken = users.Filter(new() { HasText = "ZZZZ" });
        await Expect(unbroken.Locator(".name")).ToHaveAttributeAsync("title", Unbroken);
        var lines = await unbroken.EvaluateAsync<double>("c => c.querySelector('.name').getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight)");
        Assert.True(lines <= 3.1, $"the name of 1,000 characters takes {lines} lines");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the timeline is wider than the phone");
        await Expect(users.Filter(new() { HasText = "<img" })).ToHaveTextAsync(Markup);

        // The whole name in the detail.
        await unbroken.ClickAsync();
        await Expect(page.Locator("#detail-body a.user-link")).ToHaveTextAsync(Unbroken);
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var i = 0;
        foreach (var user in new[] { Unbroken, DoubleBarrelled, Email, Markup })
        {
            i++;
            await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(user), Http.Envelope(null,
                new { level = "Error", message = "card declined", timestamp = now.AddMinutes(-i), sequence = i }));
        }

        return collector;
    }
}
