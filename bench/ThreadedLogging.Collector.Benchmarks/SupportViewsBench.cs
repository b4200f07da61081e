using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// What support staff wait for on a store that has collected for weeks: the console's views as the page asks for them
/// (the first page of the list, its histogram and its top 5 lists), over HTTP against the collector as its own process
/// with the read key, on a store of <see cref="SupportStoreSeed"/>'s mix.
///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --console --views [--events 2000000] [--users 10000] [--iterations 20] [--store DIR]
/// Each call is timed alone (p50/p95 of <c>--iterations</c> after 2 warm-up calls), then the view's calls together, as
/// the page sent them at once before (the list, the histogram and a request per top list) and as it sends them now (the
/// list and <c>/api/events/summary</c>), to the last answer; beside each, the collector's CPU time a call (or view).
/// </summary>
internal static class SupportViewsBench
{
    private const string CompleteMarker = "support-store-complete";
    private const string ReadKey = "bench-read-key";

    public static async Task RunAsync(int events, int users, int iterations, string? storeDirectory)
    {
        var directory = storeDirectory ?? Path.Combine(Path.GetTempPath(), "tl-support-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            if (File.Exists(Path.Combine(directory, CompleteMarker)))
            {
                Console.WriteLine($"Support views: reusing the store in {directory} ({File.ReadAllText(Path.Combine(directory, CompleteMarker)).Trim()})");
            }
            else
            {
                await SeedAsync(directory, events, users);
            }

            var port = CollectorChild.FreePort();
            var starting = Stopwatch.GetTimestamp();
            using var process = CollectorChild.StartProcess(CollectorChild.CollectorDll(), port, directory, "--Collector:ReadApiKey=" + ReadKey);
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromMinutes(5) };
                http.DefaultRequestHeaders.Add("X-Api-Key", ReadKey);
                await CollectorChild.WaitForHealthAsync(http, process);
                // A store of an older schema is brought up to date before the collector answers (an index built once).
                Console.WriteLine($"Collector answered /health {Stopwatch.GetElapsedTime(starting).TotalSeconds:N1} s after its start");
                await MeasureAsync(http, process, users, iterations);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            if (storeDirectory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task SeedAsync(string directory, int events, int users)
    {
        var now = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var seed = new SupportStoreSeed(users, now);
        await using (var store = new SqliteEventStore(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            for (var done = 0; done < events; done += 1000)
            {
                await store.AppendAsync(new EventBatch(null, seed.NextBatch(Math.Min(1000, events - done))), CancellationToken.None);
            }

            await store.WaitForFullTextAsync(CancellationToken.None);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var note = $"{events:N0} events, {users:N0} users, {SupportStoreSeed.TemplateCount} kinds over the 7 days before {now:u}, stored and indexed in {Stopwatch.GetElapsedTime(started).TotalSeconds:N0} s at load {ConsoleBench.LoadAverage()}";
        Console.WriteLine("Support views: " + note);
        await File.WriteAllTextAsync(Path.Combine(directory, CompleteMarker), note);
    }

    private static async Task MeasureAsync(HttpClient http, Process collector, int users, int iterations)
    {
        static string Day() => Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture));
        var heavy = SupportStoreSeed.HeavyUser;
        var light = SupportStoreSeed.LightUser(users);
        Console.WriteLine($"Heavy user {heavy}: {await CountAsync(http, "user=" + heavy)} events; light user {light}: {await CountAsync(http, "user=" + light)}; " +
            $"'{SupportStoreSeed.CommonWord}' in 24 h: {await CountAsync(http, "q=" + SupportStoreSeed.CommonWord + "&from=" + Day())}; '{SupportStoreSeed.RareWord}' in 24 h: {await CountAsync(http, "q=" + SupportStoreSeed.RareWord + "&from=" + Day())}");
        Console.WriteLine("| view | call | p50 ms | p95 ms | max ms | collector CPU ms a call | load average after |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        await TimeAsync(http, collector, "start page", "users (50, last seen)", iterations, () => ["api/users?limit=50"]);
        await ViewAsync(http, collector, "everyone, last 24 h", iterations, () => "from=" + Day(), acrossUsers: true);
        await ViewAsync(http, collector, $"heavy user, all", iterations, () => "user=" + heavy, acrossUsers: false);
        await ViewAsync(http, collector, $"light user, all", iterations, () => "user=" + light, acrossUsers: false);
        await ViewAsync(http, collector, $"everyone, 24 h, q={SupportStoreSeed.CommonWord} (common)", iterations, () => "q=" + SupportStoreSeed.CommonWord + "&from=" + Day(), acrossUsers: true);
        await ViewAsync(http, collector, $"everyone, 24 h, q={SupportStoreSeed.RareWord} (rare)", iterations, () => "q=" + SupportStoreSeed.RareWord + "&from=" + Day(), acrossUsers: true);
        var ids = new List<string>();
        foreach (var subject in new[] { heavy, light })
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/events?limit=20&user=" + subject, UriKind.Relative)));
            ids.AddRange(doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetRawText()));
        }

        var next = 0;
        await TimeAsync(http, collector, "an event", "detail + context (20 each side)", iterations, () =>
        {
            var id = ids[next++ % ids.Count];
            return ["api/events/" + id, "api/events/" + id + "/context?count=20"];
        });
    }

    /// <summary>
    /// The list's first page, its histogram and its top 5 lists, one by one and then together as the page sent them before
    /// (six requests at once); then the summary alone and the view as the page sends it now (the list and the summary).
    /// </summary>
    private static async Task ViewAsync(HttpClient http, Process collector, string view, int iterations, Func<string> filters, bool acrossUsers)
    {
        string[] fields = acrossUsers ? ["template", "user", "version", "machine"] : ["template", "version", "machine"];
        string[] Calls(string f) =>
            [$"api/events?limit=200&{f}", $"api/events/histogram?buckets=100&{f}", .. fields.Select(field => $"api/events/top?field={field}&count=5&{f}")];
        string Summary(string f) => $"api/events/summary?buckets=100&top={string.Join(',', fields)}&count=5&{f}";
        await TimeAsync(http, collector, view, "timeline (200 newest)", iterations, () => [Calls(filters())[0]]);
        await TimeAsync(http, collector, view, "histogram (100 bars)", iterations, () => [Calls(filters())[1]]);
        for (var i = 0; i < fields.Length; i++)
        {
            var call = i + 2;
            await TimeAsync(http, collector, view, "top 5 " + fields[i], iterations, () => [Calls(filters())[call]]);
        }

        await TimeAsync(http, collector, view, "the view before: six requests at once, to the last answer", iterations, () => Calls(filters()));
        await TimeAsync(http, collector, view, "summary (100 bars + top 5 lists, one read)", iterations, () => [Summary(filters())]);
        await TimeAsync(http, collector, view, "**the view: timeline + summary at once, to the last answer**", iterations, () =>
        {
            var f = filters();
            return [Calls(f)[0], Summary(f)];
        });
    }

    private static async Task TimeAsync(HttpClient http, Process collector, string view, string call, int iterations, Func<string[]> urls)
    {
        var times = new List<double>(iterations);
        var cpu = 0.0;
        for (var i = 0; i < iterations + 2; i++)
        {
            var cpuBefore = CpuMilliseconds(collector);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(urls().Select(async url =>
            {
                using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
            }));
            if (i >= 2)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                cpu += CpuMilliseconds(collector) - cpuBefore;
            }
        }

        times.Sort();
        Console.WriteLine($"| {view} | {call} | {times[times.Count / 2]:N1} | {times[Math.Min(times.Count - 1, (int)(times.Count * 0.95))]:N1} | {times[^1]:N1} | {cpu / iterations:N1} | {ConsoleBench.LoadAverage()} |");
    }

    /// <summary>
    /// The CPU time the collector process has used (user + system, /proc/PID/stat, in clock ticks of 10 ms): what a call
    /// costs whatever else the machine runs, where the wall-clock times wait for a core under load.
    /// </summary>
    private static double CpuMilliseconds(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static async Task<long> CountAsync(HttpClient http, string filters)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/events/top?field=app&count=1&" + filters, UriKind.Relative)));
        return doc.RootElement.GetProperty("total").GetInt64();
    }
}
