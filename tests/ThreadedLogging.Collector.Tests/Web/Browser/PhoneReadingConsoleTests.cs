using System.Text.Json;
using Microsoft.Playwright;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium on a phone (390×844), what support reads there: an exception's stack wraps between the names of a
/// frame, not inside one ("CheckoutContr", "oller"); an event's row, in the timeline and in the context, puts its time and
/// level over its message, which has the row's width (it had 176 px of 390 in the timeline, 116 in the context); the
/// header's status line is a line of its own (beside the header's links it had 85 px and squeezed the user's name to
/// "lena. mu…"). At 1366 px each is as it was: one line of columns per row, the status beside the links.
/// </summary>
public sealed class PhoneReadingConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string User = "lena.mueller@example.com";
    private const string Html = "<img src=x onerror=alert(1)>";

    /// <summary>The frame that fits a laptop's detail on one line (and did before).</summary>
    private const string ShortFrame = "   at Shop.Cart.Recalculate(Int32 depth) in /src/Shop/Cart.cs:line 7";

    private static readonly string Stack = string.Join("\n",
        ShortFrame,
        "   at Company.Product.Module.Service.Method(String arg) in /src/Company.Product/Module/Service.cs:line 42",
        "   at Company.Product.Module.Controllers.CheckoutController.<PostAsync>d__12.MoveNext() in /src/Company.Product/Module/Controllers/CheckoutController.cs:line 118",
        "   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor.Execute(ActionContext actionContext, IActionResultTypeMapper mapper, ObjectMethodExecutor executor, Object controller, Object[] arguments)");

    /// <summary>
    /// Where the element's text wraps inside a word: each line break that is neither a "\n", nor at a space, nor after
    /// a dot, colon, slash, backslash or underscore, nor before "(" or "<", as "…CheckoutContr|oller…". And how many lines
    /// each of its "\n"-lines takes. Read from each character's box on the page.
    /// </summary>
    private const string Wraps = """
        e => {
          const chars = [];
          const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (let i = 0; i < n.data.length; i++) {
              const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
              const box = [...r.getClientRects()].find(b => b.width > 0);
              chars.push({ c: n.data[i], top: box ? Math.round(box.top) : null });
            }
          }
          const text = chars.map(x => x.c).join("");
          const cuts = [];
          const lines = [1];
          let last = -1;
          chars.forEach(({ c, top }, i) => {
            if (c === "\n") { lines.push(1); last = -1; return; }
            if (/\s/.test(c) || top == null) return;
            if (last >= 0 && top > chars[last].top) {
              lines[lines.length - 1]++;
              if (!/\s/.test(text.slice(last + 1, i)) && !/[.:/\\_]/.test(chars[last].c) && !/[(<]/.test(c))
                cuts.push(text.slice(Math.max(0, last - 12), last + 1) + "|" + text.slice(i, i + 12));
            }
            last = i;
          });
          return { cuts, lines };
        }
        """;

    /// <summary>The selected row's message cell's width over its row's, and whether the message starts below the row's time.</summary>
    private const string MessageShare = """
        row => {
          const msg = row.querySelector("td.msg").getBoundingClientRect();
          const time = row.querySelector("td.time").getBoundingClientRect();
          return [msg.width / row.getBoundingClientRect().width, msg.top >= time.bottom - 1 ? 1 : 0];
        }
        """;

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 800)]
    public async Task Detail_ALongStack_WrapsBetweenTheNamesOfAFrameNeverInsideOne(int width, int height)
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width, height);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await page.Locator("#events-table tbody tr", new() { HasText = "Checkout crashed" }).ClickAsync();
        var exception = page.Locator("#detail pre.exception");
        await Expect(exception).ToContainTextAsync("System.InvalidOperationException: Card declined " + Html);
        await Expect(exception).ToContainTextAsync(ShortFrame + "\n"); // every character as it was: a <wbr> adds none
        await page.Locator("#detail .exception-toggle").ClickAsync();
        await Expect(page.Locator("#detail .exception-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await ChromiumFixture.ScreenshotAsync(page, $"103-stack-{width}px");

        var wraps = WrapsSeen.Of(await exception.EvaluateAsync<JsonElement>(Wraps));
        // Before, at 390 px: "…odule.Contr|oller.<PostAs…", "…uteAsync(Ac|tionContext…"; at 1366 the third frame's names too.
        Assert.True(wraps.Cuts.Length == 0, "wrapped inside a word: " + string.Join("  ", wraps.Cuts));
        Assert.True(await exception.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the stack scrolls sideways");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways");
        if (width >= 1366)
        {
            Assert.Equal(1, wraps.Lines[1]); // the frame that fits stays one line
        }

        // The exception's line in the list's row (its type) the same way.
        await page.Locator("#detail-close").ClickAsync();
        var line = page.Locator("#events-table tbody tr .row-exception");
        await Expect(line).ToHaveTextAsync("System.InvalidOperationException: Card declined " + Html);
        Assert.Empty(WrapsSeen.Of(await line.EvaluateAsync<JsonElement>(Wraps)).Cuts);
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Context_OnAPhone_EachRowsMessageHasTheRowsWidth()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await page.Locator("#events-table tbody tr", new() { HasText = "Checkout crashed" }).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();
        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(page.Locator("#detail .context-list tr")).ToHaveCountAsync(11);
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("Checkout crashed for order 4711 " + Html);
        await Expect(selected.Locator("td.level")).ToHaveTextAsync("Error");
        await Expect(selected).ToBeInViewportAsync();
        await ChromiumFixture.ScreenshotAsync(page, "104-context-phone");

        // Before: 116 px of the row's 364 (0.32), beside its time (three lines) and its level.
        var share = await selected.EvaluateAsync<double[]>(MessageShare);
        Assert.True(share[0] >= 0.9, $"the context's message has {share[0]:P0} of its row");
        Assert.Equal(1, share[1]); // under its time and level
        Assert.True(await page.Locator("#detail .context-scroll").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the context scrolls sideways");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_OnAPhone_EachRowsMessageHasTheRowsWidthItsLevelWhole()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(11);
        await ChromiumFixture.ScreenshotAsync(page, "105-timeline-phone");

        // Before: the message 176 px of 390 (0.45) beside its time (three lines) and "Information" (87 px).
        foreach (var row in await rows.AllAsync())
        {
            var share = await row.EvaluateAsync<double[]>(MessageShare);
            Assert.True(share[0] >= 0.9, $"a row's message has {share[0]:P0} of its row: {await row.TextContentAsync()}");
            Assert.True(await row.Locator("td.level").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= innerWidth"), "its level is cut off");
        }

        // The table's rows, cells and column names are read as before.
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Events, newest first" }).GetByRole(AriaRole.Columnheader)).ToHaveTextAsync(["Time", "Level", "Message"]);
        await Expect(rows.Nth(5).GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("Error");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Header_OnAPhone_TheStatusALineOfItsOwnTheUsersNameWhole()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(11);
        await page.Locator("#copy-link").ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("it lists them whenever it is opened");
        await ChromiumFixture.ScreenshotAsync(page, "106-header-phone");

        // Before: the status 118 px wide (eight lines), and the name beside it cut to "lena. mu…" (43 px).
        var header = await page.EvaluateAsync<double[]>("""
            () => {
              const top = document.querySelector("header.top"), s = getComputedStyle(top), name = document.querySelector("#crumbs .name");
              return [document.getElementById("status").getBoundingClientRect().width, top.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
                name.scrollWidth <= name.clientWidth && name.scrollHeight <= name.clientHeight ? 1 : 0];
            }
            """);
        Assert.True(header[0] >= header[1] - 1, $"the status line is {header[0]} px wide in a header of {header[1]}");
        Assert.Equal(1, header[2]); // the user's name whole
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the page scrolls sideways");
        Assert.Empty(dialogs);
    }

    /// <summary>At 1366 px the lists are tables of one line per row's columns, and the status is beside the header's links.</summary>
    [Fact]
    public async Task TimelineAndContext_OnALaptop_ColumnsAndStatusAsBefore()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1366, height: 800);
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User));
        var rows = page.Locator("#events-table tbody tr");
        await Expect(rows).ToHaveCountAsync(11);
        await Expect(page.Locator("#status")).ToHaveTextAsync("11 events");
        Assert.Equal(0, (await rows.First.EvaluateAsync<double[]>(MessageShare))[1]); // beside its time
        await Expect(page.Locator("#events-table thead th").First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>(
            "() => document.getElementById('status').getBoundingClientRect().top < document.querySelector('header .brand').getBoundingClientRect().bottom"),
            "the status is under the header's links");

        await rows.Nth(5).ClickAsync();
        await page.Locator("#detail-context").ClickAsync();
        var selected = page.Locator("#detail .context-list tr.selected");
        await Expect(selected.Locator("td.msg")).ToContainTextAsync("Checkout crashed");
        Assert.Equal(0, (await selected.EvaluateAsync<double[]>(MessageShare))[1]);
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(1, 11).Select(i => i == 6
            ? (object)new
            {
                timestamp = start.AddSeconds(i),
                level = "Error",
                message = "Checkout crashed for order 4711 " + Html,
                sequence = i,
                exception = new { type = "System.InvalidOperationException", message = "Card declined " + Html, stackTrace = Stack },
            }
            : new { timestamp = start.AddSeconds(i), level = i % 3 == 0 ? "Warning" : "Information", message = $"Step {i} of the checkout: reading the basket and the customer's addresses", sequence = i });
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), Http.Envelope(null, [.. events]));
        return collector;
    }

    private sealed record WrapsSeen(string[] Cuts, int[] Lines)
    {
        public static WrapsSeen Of(JsonElement seen) => new(
            [.. seen.GetProperty("cuts").EnumerateArray().Select(c => c.GetString()!)],
            [.. seen.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32())]);
    }
}
