using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The support console's API (issue 10) over a large store: users page, a user's timeline, one event and its
/// context, p50/p95 over HTTP on a real Kestrel; and the live tail's delay from the ingest acknowledgement
/// to the event on 20 open streams.
///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --console [--events 1000000] [--users 10000] [--iterations 100] [--store DIR] [--browser]
/// --store keeps the generated store in DIR and reuses it on the next run (storing a million events takes
/// minutes on a loaded machine); --browser adds the page in Debian's Chromium (ConsoleBrowserBench).
/// </summary>
internal static class ConsoleBench
{
    private const string CompleteMarker = "console-bench-complete";

    public static async Task RunAsync(int events, int users, int iterations, string? storeDirectory, bool browser)
    {
        var directory = storeDirectory ?? Path.Combine(Path.GetTempPath(), "tl-console-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // TL_USERS_AB_ONLY=1 with --store: only the users-query comparison (UsersQueryAb) over the kept store.
        if (Environment.GetEnvironmentVariable("TL_USERS_AB_ONLY") == "1" && File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            UsersQueryAb.Run(directory, iterations);
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(directory, CompleteMarker)))
            {
                Console.WriteLine($"Console benchmark: reusing the store in {directory} ({File.ReadAllText(Path.Combine(directory, CompleteMarker)).Trim()})");
            }
            else
            {
                await StoreAsync(directory, events, users);
            }

            await using var app = CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--data", directory, "--Logging:LogLevel:Default=Warning"]);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address + "/") };
            if (browser)
            {
                await ConsoleBrowserBench.RunAsync(http, users, iterations);
            }
            else
            {
                await MeasureApiAsync(http, events, users, iterations);
                UsersQueryAb.Run(directory, iterations);
            }

            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (storeDirectory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Reads one <c>/api/events/stream</c> until cancelled: <paramref name="opened"/> at its <c>ready</c>, every event to <paramref name="onMessage"/>.</summary>
    public static Task ReadStreamAsync(HttpClient http, string url, TaskCompletionSource opened, Action<SseItem<string>> onMessage, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
            {
                if (item.EventType == "ready")
                {
                    opened.TrySetResult();
                }
                else if (item.EventType == "message")
                {
                    onMessage(item);
                }
            }
        }, cancellationToken);

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    public static string UserName(int n) => "user" + n.ToString("D5", CultureInfo.InvariantCulture);

    private static async Task StoreAsync(string directory, int events, int users)
    {
        var now = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await using (var store = new SqliteEventStore(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            var random = new Random(11);
            var sequences = new long[users];
            for (var done = 0; done < events; done += 1000)
            {
                var batch = new List<NewEvent>(1000);
                for (var i = 0; i < 1000 && done + i < events; i++)
                {
                    var u = random.Next(users);
                    var roll = random.Next(100);
                    var level = roll < 2 ? LogLevel.Error : roll < 7 ? LogLevel.Warning : roll < 30 ? LogLevel.Debug : LogLevel.Information;
                    batch.Add(new NewEvent
                    {
                        Timestamp = now.AddSeconds(-random.Next(7 * 86400)),
                        Level = level,
                        Category = "Payroll.Module" + (u % 20),
                        Message = level == LogLevel.Error ? $"Order {done + i} failed for customer {u}" : $"Order {done + i} shipped to customer {u} in {random.Next(900)} ms",
                        Template = "Order {OrderId} shipped",
                        PropertiesJson = $$"""{"OrderId":{{done + i}},"Customer":{{u}}}""",
                        ExceptionJson = level == LogLevel.Error ? """{"type":"System.InvalidOperationException","message":"Ledger closed","stackTrace":"   at Payroll.Ledger.Post(Entry e)\n   at Payroll.Run.Execute()","inner":[]}""" : null,
                        App = "App" + (u % 10),
                        Version = "1." + (u % 5),
                        User = "user" + u.ToString("D5", CultureInfo.InvariantCulture),
                        Machine = "PC-" + u.ToString("D5", CultureInfo.InvariantCulture),
                        InstanceId = "inst-" + u,
                        Sequence = ++sequences[u],
                    });
                }

                await store.AppendAsync(new EventBatch(null, batch), CancellationToken.None);
            }

            await store.WaitForFullTextAsync(CancellationToken.None);
        }

        var note = $"{events:N0} events, {users:N0} users over the 7 days before {now:u}, stored and indexed in {Stopwatch.GetElapsedTime(started).TotalSeconds:N0} s at load {LoadAverage()}";
        Console.WriteLine("Console benchmark: " + note + $"; {Environment.ProcessorCount} cores");
        await File.WriteAllTextAsync(Path.Combine(directory, CompleteMarker), note);
    }

    private static async Task MeasureApiAsync(HttpClient http, int events, int users, int iterations)
    {
        var rnd = new Random(3);
        string User() => UserName(rnd.Next(users));
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, 50))
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/events?limit=1&user=" + User(), UriKind.Relative)));
            ids.AddRange(doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetRawText()));
        }

        Console.WriteLine("| API call (HTTP, real Kestrel) | p50 ms | p95 ms | max ms | load average (1/5/15 min) after |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        await TimeAsync(http, "users page (50, last seen, 24 h window)", iterations, _ => "api/users?limit=50");
        await TimeAsync(http, "users page (50, sorted by latest error)", iterations, _ => "api/users?limit=50&sort=latestError");
        await TimeAsync(http, "users search (part of a name)", iterations, _ => "api/users?limit=50&search=" + rnd.Next(1000).ToString("D3", CultureInfo.InvariantCulture));
        using (var first = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/users?limit=50", UriKind.Relative))))
        {
            var cursor = Uri.EscapeDataString(first.RootElement.GetProperty("next").GetString()!);
            await TimeAsync(http, "users page 2 (after the first page's cursor)", iterations, _ => "api/users?limit=50&after=" + cursor);
        }

        await TimeAsync(http, "timeline (a user, 200 newest)", iterations, _ => "api/events?limit=200&user=" + User());
        await TimeAsync(http, "timeline (a user, errors only)", iterations, _ => "api/events?limit=200&levels=Error,Critical&user=" + User());
        await TimeAsync(http, "timeline (a user, q=InvalidOperationException)", iterations, _ => "api/events?limit=200&q=InvalidOperationException&user=" + User());
        var week = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-7).ToString("O", CultureInfo.InvariantCulture));
        var day = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture));
        await TimeAsync(http, "histogram (a user, 7 days, 60 bars)", iterations, _ => "api/events/histogram?from=" + week + "&user=" + User());
        await TimeAsync(http, "histogram (a user, all, 60 bars)", iterations, _ => "api/events/histogram?user=" + User());
        await TimeAsync(http, "histogram (a user, q=InvalidOperationException)", iterations, _ => "api/events/histogram?q=InvalidOperationException&user=" + User());
        await TimeAsync(http, "histogram (everyone, q=InvalidOperationException, 7 days)", iterations, _ => "api/events/histogram?q=InvalidOperationException&from=" + week);
        await TimeAsync(http, "histogram (everyone, last 24 h)", iterations, _ => "api/events/histogram?from=" + day);
        await TimeAsync(http, "histogram (everyone, all)", Math.Min(iterations, 20), _ => "api/events/histogram");
        // property= (Seq's OrderId = 48151623): a value with a word narrows through full text; one without (true) is
        // checked on what the other filters select: a user's events, or, for everyone, a scan newest first.
        string Customer(int _)
        {
            var u = rnd.Next(users);
            return $"api/events?limit=200&user={UserName(u)}&property=Customer%3D{u}";
        }

        await TimeAsync(http, "timeline (a user, property=Customer=<theirs>: all of them)", iterations, Customer);
        await TimeAsync(http, "timeline (a user, property=OrderId=<an order>)", iterations, _ => $"api/events?limit=200&user={User()}&property=OrderId%3D{rnd.Next(events)}");
        await TimeAsync(http, "timeline (a user, property=Flag=true: no word)", iterations, _ => "api/events?limit=200&property=Flag%3Dtrue&user=" + User());
        await TimeAsync(http, "timeline (everyone, property=OrderId=<an order>)", iterations, _ => $"api/events?limit=200&property=OrderId%3D{rnd.Next(events)}");
        await TimeAsync(http, "histogram (everyone, property=OrderId=<an order>)", iterations, _ => $"api/events/histogram?property=OrderId%3D{rnd.Next(events)}");
        await TimeAsync(http, "timeline (everyone, property=Flag=true: no word, a scan)", Math.Min(iterations, 5), _ => "api/events?limit=200&property=Flag%3Dtrue");
        await TimeAsync(http, "top versions (a user, all)", iterations, _ => "api/events/top?field=version&user=" + User());
        await TimeAsync(http, "top users (everyone, q=InvalidOperationException, 24 h)", iterations, _ => "api/events/top?field=user&q=InvalidOperationException&from=" + day);
        await TimeAsync(http, "top users (everyone, errors, 24 h)", iterations, _ => "api/events/top?field=user&levels=Error,Critical&from=" + day);
        await TimeAsync(http, "top versions (everyone, last 24 h)", iterations, _ => "api/events/top?field=version&from=" + day);
        await TimeAsync(http, "top users (everyone, last 24 h)", iterations, _ => "api/events/top?field=user&from=" + day);
        await TimeAsync(http, "everyone's timeline (200 newest, last 24 h)", iterations, _ => "api/events?limit=200&from=" + day);
        // Kinds of event (template=): no index, checked on what the other filters leave (a user's events; for everyone,
        // the range newest first until a page is found, and all of it for the counts).
        string kind;
        using (var top = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/events/top?field=template&count=1&user=" + User(), UriKind.Relative))))
        {
            kind = Uri.EscapeDataString(top.RootElement.GetProperty("values")[0].GetProperty("value").GetString()!);
        }

        await TimeAsync(http, "top kinds (a user, all)", iterations, _ => "api/events/top?field=template&user=" + User());
        await TimeAsync(http, "timeline (a user, template=<a kind>)", iterations, _ => "api/events?limit=200&template=" + kind + "&user=" + User());
        await TimeAsync(http, "top kinds (everyone, errors, 24 h)", iterations, _ => "api/events/top?field=template&levels=Error,Critical&from=" + day);
        await TimeAsync(http, "top kinds (everyone, last 24 h)", iterations, _ => "api/events/top?field=template&from=" + day);
        await TimeAsync(http, "everyone's timeline (template=<a kind>, 7 days)", iterations, _ => "api/events?limit=200&template=" + kind + "&from=" + week);
        await TimeAsync(http, "histogram (everyone, template=<a kind>, 7 days)", iterations, _ => "api/events/histogram?template=" + kind + "&from=" + week);
        await TimeAsync(http, "top users (everyone, template=<a kind>, 7 days)", iterations, _ => "api/events/top?field=user&template=" + kind + "&from=" + week);
        await TimeAsync(http, "event detail", iterations, i => "api/events/" + ids[i % ids.Count]);
        await TimeAsync(http, "event context (20 each side)", iterations, i => "api/events/" + ids[i % ids.Count] + "/context");
        await LiveTailAsync(http, 20, 30);
    }

    private static async Task TimeAsync(HttpClient http, string name, int iterations, Func<int, string> url)
    {
        var times = new List<double>(iterations);
        for (var i = 0; i < iterations + 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(url(i), UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            if (i >= 5)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine($"| {name} | {times[times.Count / 2]:N1} | {times[(int)(times.Count * 0.95)]:N1} | {times[^1]:N1} | {LoadAverage()} |");
    }

    /// <summary>20 streams open; each event posted alone; the delay from its 200 to its arrival on every stream.</summary>
    private static async Task LiveTailAsync(HttpClient http, int streams, int events)
    {
        var arrivals = new List<double>();
        var acknowledged = new long[events];
        using var stop = new CancellationTokenSource();
        var ready = new List<TaskCompletionSource>();
        var readers = new List<Task>();
        for (var s = 0; s < streams; s++)
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ready.Add(opened);
            readers.Add(ReadStreamAsync(http, "api/events/stream?user=live-bench", opened, item =>
                {
                    var received = Stopwatch.GetTimestamp();
                    using var doc = JsonDocument.Parse(item.Data);
                    var n = int.Parse(doc.RootElement.GetProperty("message").GetString()!.Split(' ')[1], CultureInfo.InvariantCulture);
                    var ack = Volatile.Read(ref acknowledged[n]);
                    lock (arrivals)
                    {
                        // An event can arrive before its 200 is read: that delay counts as 0.
                        arrivals.Add(ack == 0 ? 0 : Math.Max(0, Stopwatch.GetElapsedTime(ack, received).TotalMilliseconds));
                    }
                }, stop.Token));
        }

        await Task.WhenAll(ready.Select(r => r.Task));
        for (var n = 0; n < events; n++)
        {
            var body = Encoding.UTF8.GetBytes($$"""{"events":[{"level":"Information","message":"live {{n}}"}]}""");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri("log/live-bench", UriKind.Relative), content);
            Volatile.Write(ref acknowledged[n], Stopwatch.GetTimestamp());
            response.EnsureSuccessStatusCode();
        }

        while (true)
        {
            lock (arrivals)
            {
                if (arrivals.Count >= streams * events)
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        arrivals.Sort();
        Console.WriteLine($"| live tail: ack → event on the stream, {streams} streams × {events} events | {arrivals[arrivals.Count / 2]:N1} | {arrivals[(int)(arrivals.Count * 0.95)]:N1} | {arrivals[^1]:N1} | {LoadAverage()} |");
    }
}
