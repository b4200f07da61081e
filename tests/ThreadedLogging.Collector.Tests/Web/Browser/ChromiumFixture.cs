using Microsoft.Playwright;

namespace ThreadedLogging.Collector.Tests.Web.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/install-test-deps.sh) driven by
/// Playwright; never a downloaded browser. The flags are those of ../shared/NOTES.md: no network beyond
/// 127.0.0.1 (the host resolver maps every other name to nothing), no background services.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly Lock PageErrorsLock = new();

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots of each view go: <c>screenshots/</c> in the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run scripts/install-test-deps.sh (apt-get install chromium).");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Expect(…) retries until its condition holds, for 5 s by default: a time limit, which a page on a loaded 2-core CI
        // machine can pass. A minute is a bound on a hang; an assertion that holds still passes as soon as it does.
        Assertions.SetDefaultExpectTimeout(60_000);
        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ],
        });
    }

    /// <summary>Appends to page-errors.log, one page at a time: pages of parallel test classes write at once.</summary>
    private static void LogPageError(string text)
    {
        lock (PageErrorsLock)
        {
            File.AppendAllText(Path.Combine(ScreenshotDirectory, "page-errors.log"), text + Environment.NewLine);
        }
    }

    /// <summary>A fresh context (own cookies and storage) at 1280×800, with every dialog recorded (an XSS would open one).</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Dialogs)> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        IPage page;
        try
        {
            page = await context.NewPageAsync();
        }
        catch
        {
            await context.DisposeAsync(); // the caller gets no context to dispose
            throw;
        }

        var dialogs = new List<string>();
        page.PageError += (_, error) => LogPageError(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                LogPageError(message.Text);
            }
        };
        page.Dialog += async (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Message);
            }

            await dialog.DismissAsync();
        };
        return (context, page, dialogs);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = false });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
