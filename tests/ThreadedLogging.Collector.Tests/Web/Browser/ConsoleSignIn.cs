using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>Signing in through the console's form, as support does: the key typed, then Enter.</summary>
internal static class ConsoleSignIn
{
    /// <summary>
    /// Signs in with <paramref name="key"/> and returns once the page shows its view again (<c>#main</c>): the sign-in has
    /// been answered and its session cookie stored by then. Returning at the key press, a test's next step could go before
    /// that answer: a navigation (<c>page.GotoAsync</c>) cancelled the sign-in on its way, and the page it opened was signed
    /// out (the form, no rows: a CI run under load waited 60 s for a timeline row).
    /// </summary>
    public static async Task SignInAsync(IPage page, string key)
    {
        await page.Locator("#sign-in-key").FillAsync(key);
        await page.Locator("#sign-in-key").PressAsync("Enter");
        await Expect(page.Locator("#main")).ToBeVisibleAsync();
    }
}
