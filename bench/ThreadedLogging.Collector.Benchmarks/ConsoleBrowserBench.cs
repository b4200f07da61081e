using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The support page in Debian's Chromium (issue 10's benchmark): how long after navigation the page shows its
/// first data (users list, a user's timeline), and how long after the ingest's acknowledgement a live-tailed
/// event is on the page with 20 streams open (the page's own and 19 plain SSE clients). Times come from the page
/// itself: a MutationObserver notes performance.now() (from navigation start) when the first row is inserted,
/// and Date.now() when a live row arrives.
/// </summary>
internal static class ConsoleBrowserBench
{
    // Injected before the page's own scripts (Playwright init script; not subject to the page's CSP).
    private const string Probe = """
        (() => {
          const table = new URLSearchParams(location.search).has('user') ? '#events-table' : '#users-table';
          const counted = new WeakSet();
          window.__arrivals = [];
          const observer = new MutationObserver(() => {
            if (window.__firstData === undefined && document.querySelector(table + ' tbody tr')) {
              window.__firstData = performance.now();
              // Where the time went: the page's own files (DOMContentLoaded) and the data request's answer.
              const api = performance.getEntriesByType('resource').filter((r) => r.name.includes(table === '#users-table' ? '/api/users' : '/api/events'));
              window.__parts = [performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0,
                api.length ? api[0].startTime : 0, api.length ? api[0].responseEnd : 0];
            }
            for (const td of document.querySelectorAll('#events-table tbody tr.live-new td.msg')) {
              if (!counted.has(td)) { counted.add(td); window.__arrivals.push([td.textContent, Date.now()]); }
            }
          });
          document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { childList: true, subtree: true }));
        })();
        """;

    public static async Task RunAsync(HttpClient http, int users, int iterations)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // ../shared/NOTES.md: no network beyond 127.0.0.1, no background services.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ],
        });
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            await context.AddInitScriptAsync(Probe);
            var page = await context.NewPageAsync();
            var random = new Random(5);
            Console.WriteLine($"| in Chromium ({browser.Version}), {iterations} navigations each | p50 ms | p95 ms | max ms | load average (1/5/15 min) after |");
            Console.WriteLine("|---|---:|---:|---:|---|");
            await FirstDataAsync(page, "first data: users page (`/`)", iterations, _ => http.BaseAddress!.ToString());
            await FirstDataAsync(page, "first data: a user's timeline (`/?user=…`)", iterations, _ => http.BaseAddress + "?user=" + ConsoleBench.UserName(random.Next(users)));
            await LiveTailAsync(page, http, 20, 30);
            await context.CloseAsync();
        }
    }

    private static async Task FirstDataAsync(IPage page, string name, int iterations, Func<int, string> url)
    {
        var times = new List<double>(iterations);
        var parts = new List<double[]>(iterations);
        for (var i = 0; i < iterations + 3; i++)
        {
            await page.GotoAsync(url(i));
            var firstData = await (await page.WaitForFunctionAsync("() => window.__firstData")).JsonValueAsync<double>();
            if (i >= 3)
            {
                times.Add(firstData);
                parts.Add(await page.EvaluateAsync<double[]>("() => window.__parts"));
            }
        }

        Print(name, times);
        double Median(int k) => parts.Select(p => p[k]).Order().ElementAt(parts.Count / 2);
        Console.WriteLine($"|   medians: page files loaded (DOMContentLoaded) {Median(0):N0} ms, data request sent at {Median(1):N0} ms, answered at {Median(2):N0} ms | | | | |");
    }

    /// <summary>The page live-tails a user (one stream) beside 19 plain SSE clients; 30 events posted one at a time.</summary>
    private static async Task LiveTailAsync(IPage page, HttpClient http, int streams, int events)
    {
        var user = "live-page-" + Guid.NewGuid().ToString("N")[..8];
        using var stop = new CancellationTokenSource();
        var others = new List<Task>();
        var ready = new List<TaskCompletionSource>();
        for (var s = 1; s < streams; s++)
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ready.Add(opened);
            others.Add(ConsoleBench.ReadStreamAsync(http, "api/events/stream?user=" + user, opened, _ => { }, stop.Token));
        }

        await page.GotoAsync(http.BaseAddress + "?live=1&user=" + user);
        await page.WaitForFunctionAsync("() => document.getElementById('live-state').textContent === 'connected'");
        await Task.WhenAll(ready.Select(r => r.Task));
        var acknowledged = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var n = 0; n < events; n++)
        {
            var message = "live " + n.ToString(CultureInfo.InvariantCulture);
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"events":[{"level":"Information","message":"{{message}}"}]}"""));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri("log/" + user, UriKind.Relative), content);
            acknowledged[message] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            response.EnsureSuccessStatusCode();
        }

        await page.WaitForFunctionAsync($"() => window.__arrivals.length >= {events}");
        using var arrivals = System.Text.Json.JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__arrivals)"));
        await stop.CancelAsync();
        await Task.WhenAll(others.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        // An event can be on the page before its 200 is read: that delay counts as 0.
        var delays = arrivals.RootElement.EnumerateArray().Select(a => Math.Max(0, a[1].GetDouble() - acknowledged[a[0].GetString()!])).ToList();
        Print($"live tail: ack → row on the page, {streams} streams open, {events} events", delays);
    }

    private static void Print(string name, List<double> times)
    {
        times.Sort();
        Console.WriteLine($"| {name} | {times[times.Count / 2]:N1} | {times[(int)(times.Count * 0.95)]:N1} | {times[^1]:N1} | {ConsoleBench.LoadAverage()} |");
    }
}
