using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium: names with characters that reorder or hide text (a right-to-left override, a zero-width space)
/// are shown with those characters visible, so that two users never look alike and no name turns the text after it
/// around; emoji sequences and right-to-left letters stay as they are, and each row still opens its own user.
/// </summary>
public sealed class InvisibleCharacterTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task UsersList_NamesWithBidiOverrideOrZeroWidthSpace_ShownVisiblyAndOpenTheirOwnTimeline()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        string[] users = ["alice", "alice\u200B", "\u202Eecila", "\U0001F469\u200D\U0001F4BB dev", "\u05D3\u05E0\u05D4", .. Spoofs];
        for (var i = 0; i < users.Length; i++)
        {
            var body = JsonSerializer.Serialize(new { user = users[i], events = new object[] { new { timestamp = now.AddMinutes(i - 10), message = "event of user " + i } } });
            var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/x", Http.Utf8(body), "application/json");
            Assert.True(status == HttpStatusCode.OK, text);
        }

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress.ToString());

        var names = page.Locator("#users-table tbody td.user");
        await Expect(names).ToHaveCountAsync(users.Length);
        var shown = await names.AllTextContentsAsync();
        Assert.Equal(Shown.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        await ChromiumFixture.ScreenshotAsync(page, "32-invisible-characters");

        // The row that looks like "alice" but is not opens its own user's events, the crumb saying which.
        await page.Locator("#users-table tbody tr", new() { HasText = "alice[U+200B]" }).ClickAsync();
        await Expect(page.Locator("#events-table tbody td.msg")).ToHaveTextAsync(["event of user 1"]);
        await Expect(page.Locator("#crumbs strong")).ToHaveTextAsync("alice[U+200B]");
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task TopValues_TitlesAndLabelsOfNamesWithInvisibleCharacters_ShowThemVisibly()
    {
        // Text nodes showed them as [U+XXXX], but a button's title (its tooltip) and aria-label (read aloud) carried the raw
        // characters: "Open alice's events" for a user that is not alice, a reversed tooltip.
        await using var collector = await CollectorFixture.StartAsync();
        var body = JsonSerializer.Serialize(new { user = "alice\u200B", events = new object[] { new { timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), message = "paid 5", template = "paid {Amount}\u202E" } } });
        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/x", Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);

        var (context, page, dialogs) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(collector.BaseAddress + "?all=1&range=1h");

        var user = page.Locator("#top-values [aria-label='Users'] .value");
        await Expect(user).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^Open alice\[U\+200B\]'s events: "));
        var kind = page.Locator("#top-values button.kind");
        await Expect(kind).ToHaveAttributeAsync("aria-label", "Only the events of paid {Amount}[U+202E]");
        Assert.Empty(dialogs);
    }

    /// <summary>The names as the page shows them: the override, the zero-width space and the spoofs' characters visible, the emoji's joiner and Hebrew kept.</summary>
    private static readonly string[] Shown =
    [
        "alice", "alice[U+200B]", "[U+202E]ecila", "\U0001F469\u200D\U0001F4BB dev", "\u05D3\u05E0\u05D4",
        "al[U+00AD]ice", "ali[U+2063]ce", "[U+061C]alice", "alice[U+E0041]", "[U+3164]alice", "al[U+200D]ice", "\u05D3\u05E0\u05D4\u200F 7",
    ];

    /// <summary>
    /// Names that looked exactly like "alice" in Chromium before (security review): a soft hyphen, an invisible separator, an
    /// Arabic letter mark, a tag character, a Hangul filler, a joiner between Latin letters; and a right-to-left mark in Hebrew
    /// text, which is that text's own and stays as it is.
    /// </summary>
    private static readonly string[] Spoofs = ["al\u00ADice", "ali\u2063ce", "\u061Calice", "alice\U000E0041", "\u3164alice", "al\u200Dice", "\u05D3\u05E0\u05D4\u200F 7"];
}
