using ThreadedLogging.Collector.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// In a real Chromium on a phone (390×844): the timeline's filters (levels, range, search, downloads) wait behind one
/// button that says how many are set, "Filters (3)", a button with aria-expanded that Tab and Enter work; the list's
/// first row is in the upper half of the screen. They took 60 % of it, and the first row began about 500 px down.
/// Wider than a phone, the filters show as they did and the button is hidden.
/// </summary>
public sealed class PhoneFiltersConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string User = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task Timeline_OnAPhone_FiltersBehindOneButtonFirstRowInTheUpperHalf()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 390, height: 844);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User) + "&levels=Error,Critical&range=24h&q=card");
        var first = page.Locator("#events-table tbody tr").First;
        await Expect(first.Locator("td.msg")).ToHaveTextAsync("card declined 3");
        var toggle = page.Locator("#filters-toggle");
        await Expect(toggle).ToHaveTextAsync("Filters (3)"); // before: no such button
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.Locator("#timeline-q")).ToBeHiddenAsync();
        await Expect(page.Locator("#timeline-download")).ToBeHiddenAsync();
        await Expect(page.Locator("#copy-link")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "100-phone-filters-collapsed");
        var top = await first.EvaluateAsync<double>("r => r.getBoundingClientRect().top");
        Assert.True(top <= 844 / 2, $"the first row begins {top} px down an 844 px screen");

        // The keyboard opens them (Tab to the button, Enter), and they say what is set.
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator("#timeline-q")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-q")).ToHaveValueAsync("card");
        await Expect(page.Locator("[data-level=Error]")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#timeline-download")).ToBeVisibleAsync();

        // A filter changed with them open: they stay open, the count follows.
        await page.Locator("[data-range=all]").ClickAsync();
        await Expect(toggle).ToHaveTextAsync("Filters (2)");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await toggle.ClickAsync();
        await Expect(page.Locator("#timeline-q")).ToBeHiddenAsync();

        // "/" (search) opens them: the box it focuses is there.
        await page.Keyboard.PressAsync("/");
        await Expect(page.Locator("#timeline-q")).ToBeFocusedAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task Timeline_OnALaptop_FiltersShownNoButton()
    {
        await using var collector = await SeedAsync();
        var (context, page, dialogs) = await chromium.NewPageAsync(width: 1280, height: 800);
        await using var _ = context;

        await page.GotoAsync(collector.BaseAddress + "?user=" + Uri.EscapeDataString(User) + "&q=card");
        await Expect(page.Locator("#events-table tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#timeline-q")).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-download")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-level=Error]")).ToBeVisibleAsync();
        await Expect(page.Locator("#filters-toggle")).ToBeHiddenAsync();
        Assert.Empty(dialogs);
    }

    private static async Task<CollectorFixture> SeedAsync()
    {
        var collector = await CollectorFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Http.PostStoredAsync(collector.Client, "log/" + Uri.EscapeDataString(User), Http.Envelope(null,
        [
            .. Enumerable.Range(1, 3).Select(i => new { level = "Error", message = "card declined " + i, timestamp = now.AddMinutes(-10 + i), sequence = i }),
            new { level = "Information", message = "signed in", timestamp = now.AddMinutes(-30), sequence = 4 },
        ]));
        return collector;
    }
}
