using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector;
using ThreadedLogging.Collector.Benchmarks;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

// Collector benchmark: ingest rate into SQLite and query latency over a large store.
//   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- [--events 1000000] [--batch 1000] [--http-events 100000] [--iterations 200] [--postgres | --trigram]
// Support console (issue 10): ... -- --console [--events 1000000] [--users 10000] [--iterations 100] [--store DIR] [--browser] (see ConsoleBench)
// The console's views on a big store: ... -- --console --views [--events 2000000] [--users 10000] [--iterations 20] [--store DIR] (see SupportViewsBench)
// Writer share of end-to-end ingest (issue 14): ... -- --writer [--events 1000000] [--batch 500] (see WriterBench)
// Slow bodies (issue 15): ... -- --slow-bodies [--tricklers 70] [--requests 2000] (see SlowBodyLoad)
// PostgreSQL schema version 5: ... -- --postgres-upgrade [--events 1000000] [--ab-events 100000] [--rounds 2] (see PostgresUpgradeBench)
// The users list on PostgreSQL, cold and warm: ... -- --postgres-users [--events 1000000] [--rounds 5] [--connection CS] (see PostgresUsersBench)
// q's OR and NOT on PostgreSQL: ... -- --postgres-search [--events 1000000] [--iterations 20] [--connection CS] (see PostgresSearchBench)
if (args.Contains("--console"))
{
    var storeAt = Array.IndexOf(args, "--store");
    if (args.Contains("--views"))
    {
        await SupportViewsBench.RunAsync(Arg("--events", 2_000_000), Arg("--users", 10_000), Arg("--iterations", 20), storeAt >= 0 ? args[storeAt + 1] : null);
        return;
    }

    await ConsoleBench.RunAsync(Arg("--events", 1_000_000), Arg("--users", 10_000), Arg("--iterations", 100), storeAt >= 0 ? args[storeAt + 1] : null, args.Contains("--browser"));
    return;
}

// Decoders per format (issue 11): ... -- --formats [--events 1000000] [--alloc-types] (see FormatDecodeBench)
if (args.Contains("--formats"))
{
    FormatDecodeBench.Run(Arg("--events", 1_000_000), args.Contains("--alloc-types"));
    return;
}

// Issue 14 target 4: the store's share of end-to-end ingest (see WriterBench).
if (args.Contains("--writer"))
{
    await WriterBench.RunAsync(Arg("--events", 1_000_000), Arg("--batch", 500));
    return;
}

// The JsonBatch decoder alone on the writer bench's bodies (see WriterBench.RunDecode).
if (args.Contains("--decode"))
{
    WriterBench.RunDecode(Arg("--events", 1_000_000), Arg("--batch", 2000));
    return;
}

if (args.Contains("--slow-bodies"))
{
    await SlowBodyLoad.RunAsync(args);
    return;
}

var events = Arg("--events", 1_000_000);
var batchSize = Arg("--batch", 1000);
var httpEvents = Arg("--http-events", 100_000);
var iterations = Arg("--iterations", 200);
var mixedEvents = Arg("--mixed-events", 100_000);
var singleEvents = Arg("--single-events", 20_000);
if (args.Contains("--trigram"))
{
    // Full text on PostgreSQL: the store's tsvector index against pg_trgm, same events.
    await PostgresBench.CompareTrigramAsync(events, batchSize, iterations);
    return;
}

if (args.Contains("--postgres-upgrade"))
{
    // Schema version 5 (diacritics): ingest into version 4 and 5 alternated, then the upgrade's time over --events.
    await PostgresUpgradeBench.RunAsync(events, Arg("--ab-events", 100_000), batchSize, Arg("--rounds", 2));
    return;
}

if (args.Contains("--postgres-search"))
{
    // q's OR and NOT on PostgreSQL beside plain words; --connection reuses a loaded database.
    var connectionAt = Array.IndexOf(args, "--connection");
    await PostgresSearchBench.RunAsync(events, batchSize, Arg("--iterations", 20), connectionAt >= 0 ? args[connectionAt + 1] : null);
    return;
}

if (args.Contains("--postgres-users"))
{
    // The users list on PostgreSQL, cold (a collector's first request) and warm; --connection reuses a loaded database.
    var connectionAt = Array.IndexOf(args, "--connection");
    await PostgresUsersBench.RunAsync(events, batchSize, Arg("--rounds", 5), connectionAt >= 0 ? args[connectionAt + 1] : null);
    return;
}

if (args.Contains("--postgres"))
{
    // The PostgreSQL store (issue 12): ingest with one and two collectors, queries, retention while ingesting.
    await PostgresBench.RunAsync(events, batchSize, iterations);
    return;
}

var directory = Path.Combine(Path.GetTempPath(), "tl-collector-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
Console.WriteLine($"Collector benchmark: {events:N0} events in batches of {batchSize}, {iterations} queries per filter; {Environment.ProcessorCount} cores; {directory}");

try
{
    await using (var store = new SqliteEventStore(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance))
    {
        await store.InitializeAsync(CancellationToken.None);

        // 1. Ingest straight into the store: batches of 1000 realistic events, one transaction each.
        var generator = new EventGenerator(42, events);
        var storeTime = TimeSpan.Zero;
        var cpuTime = TimeSpan.Zero;
        long bytes = 0;
        using var process = Process.GetCurrentProcess();
        for (long done = 0; done < events;)
        {
            // Generate 100 batches, then time storing them (wall clock and this process's CPU time).
            var chunk = new List<IReadOnlyList<NewEvent>>();
            for (var b = 0; b < 100 && done < events; b++, done += batchSize)
            {
                chunk.Add(generator.NextBatch((int)Math.Min(batchSize, events - done)));
            }

            if (bytes == 0)
            {
                bytes = chunk[0].Sum(e => (long)(e.Message.Length + (e.PropertiesJson?.Length ?? 0) + (e.ExceptionJson?.Length ?? 0) + (e.Template?.Length ?? 0) + 120)) / chunk[0].Count;
            }

            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            foreach (var batch in chunk)
            {
                await store.AppendAsync(new EventBatch(Guid.NewGuid().ToString("N"), batch), CancellationToken.None);
            }

            if (done >= events)
            {
                // The full-text index runs beside the writer and may lag by a few groups: the rate counts
                // until it has caught up.
                await store.WaitForFullTextAsync(CancellationToken.None);
            }

            storeTime += Stopwatch.GetElapsedTime(started);
            process.Refresh();
            cpuTime += process.TotalProcessorTime - cpuStart;
            Console.Write($"\r  stored {done:N0}: {done / storeTime.TotalSeconds:N0} events/s   ");
        }

        Console.WriteLine();
        Console.WriteLine($"Ingest, store (IEventStore.AppendAsync, {batchSize}-event batches, ~{bytes} B/event): {events / storeTime.TotalSeconds:N0} events/s wall clock, {events / cpuTime.TotalSeconds:N0} events per CPU-second, over {events:N0} events ({storeTime.TotalSeconds:N1} s, load average {LoadAverage()})");
        var files = Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"Database size (file + WAL): {files / (1024 * 1024):N0} MiB");

        // 2. Query latency over the full store.
        var withData = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in (await store.GetUsersAsync(new UserQuery { Limit = EventGenerator.UserCount, WindowFrom = DateTimeOffset.UnixEpoch, WindowTo = DateTimeOffset.UnixEpoch }, CancellationToken.None)).Users)
        {
            withData.Add(user.User!);
        }

        var usersWithData = withData.Order(StringComparer.Ordinal).ToArray();
        string RandomUser(Random r) => usersWithData[r.Next(usersWithData.Length)];
        string RandomMachine(Random r) => EventGenerator.Machine(int.Parse(RandomUser(r)[4..], CultureInfo.InvariantCulture) * 3 / 2);
        var random = new Random(7);
        var rows = new List<(string Name, Func<int, EventQuery> Query)>
        {
            ("user, latest 100", _ => new EventQuery { User = RandomUser(random), Limit = 100 }),
            ("user, page 5 (before cursor)", _ => new EventQuery { User = RandomUser(random), Limit = 100 }),
            ("app, latest 100", _ => new EventQuery { App = EventGenerator.App(random.Next(EventGenerator.AppCount)), Limit = 100 }),
            ("machine, latest 100", _ => new EventQuery { Machine = RandomMachine(random), Limit = 100 }),
            ("path prefix (user/), latest 100", _ => new EventQuery { PathPrefix = RandomUser(random) + "/", Limit = 100 }),
            ("level >= Error, latest 100", _ => new EventQuery { MinLevel = LogLevel.Error, Limit = 100 }),
            ("from/to (1 h window), latest 100", _ => Window(random)),
            ("user + level >= Warning", _ => new EventQuery { User = RandomUser(random), MinLevel = LogLevel.Warning, Limit = 100 }),
            ("q: one word (~0.5% of events)", _ => new EventQuery { Words = [generator.Word(random.Next(600))], Limit = 100 }),
            ("q: common word ('shipped', ~14%)", _ => new EventQuery { Words = ["shipped"], Limit = 100 }),
            ("q: two words", _ => new EventQuery { Words = ["retrying", generator.Word(random.Next(600))], Limit = 100 }),
            ("user + q: common word ('order')", _ => new EventQuery { User = RandomUser(random), Words = ["order"], Limit = 100 }),
            ("user + q: one word (~0.5%)", _ => new EventQuery { User = RandomUser(random), Words = [generator.Word(random.Next(600))], Limit = 100 }),
            ("q: OR of two words (~0.5% each)", _ => new EventQuery { Search = new SearchAny([new SearchTerm(generator.Word(random.Next(600))), new SearchTerm(generator.Word(random.Next(600)))]), Limit = 100 }),
            ("q: common word -one word ('shipped' NOT ~0.5%)", _ => new EventQuery { Search = new SearchAll([new SearchTerm("shipped"), new SearchNot(new SearchTerm(generator.Word(random.Next(600))))]), Limit = 100 }),
            ("user + q: 'order' OR one word", _ => new EventQuery { User = RandomUser(random), Search = new SearchAny([new SearchTerm("order"), new SearchTerm(generator.Word(random.Next(600)))]), Limit = 100 }),
            ("user + q: 'order' -one word", _ => new EventQuery { User = RandomUser(random), Search = new SearchAll([new SearchTerm("order"), new SearchNot(new SearchTerm(generator.Word(random.Next(600))))]), Limit = 100 }),
            ("no filter, latest 100", _ => new EventQuery { Limit = 100 }),
        };

        Console.WriteLine();
        Console.WriteLine($"| query over {events:N0} events | p50 ms | p95 ms | max ms | rows (last) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, make) in rows)
        {
            var latencies = new List<double>(iterations);
            var count = 0;
            for (var i = 0; i < iterations + 5; i++)
            {
                var query = make(i);
                if (name.StartsWith("user, page 5", StringComparison.Ordinal))
                {
                    query = await PageFiveAsync(store, query);
                }

                var started = Stopwatch.GetTimestamp();
                var page = await store.QueryAsync(query, CancellationToken.None);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                count = page.Events.Count;
                if (i >= 5)
                {
                    latencies.Add(elapsed); // first 5 are warm-up
                }
            }

            Console.WriteLine($"| {name} | {Percentile(latencies, 50):N2} | {Percentile(latencies, 95):N2} | {latencies.Max():N2} | {count} |");
        }

        var userLatencies = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await store.GetUsersAsync(new UserQuery { Limit = 1000, WindowFrom = DateTimeOffset.UnixEpoch, WindowTo = DateTimeOffset.UnixEpoch }, CancellationToken.None);
            userLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine($"| GET /api/users (1000 users, store call) | {Percentile(userLatencies, 50):N2} | {Percentile(userLatencies, 95):N2} | {userLatencies.Max():N2} | 1000 |");
    }

    // 3. Worst case for the indexes: every event of a batch from a different client.
    if (mixedEvents > 0)
    {
        await MixedIngestAsync(mixedEvents, batchSize);
    }

    // 4. Many clients at once, one event per request (Python's HTTPHandler, PythonForm).
    if (singleEvents > 0)
    {
        await ConcurrentSingleEventIngestAsync(singleEvents, callers: 32);
    }

    // 5. Ingest over HTTP: the real app on loopback, JsonBatch gzip envelopes of 1000 events (parse + store).
    if (httpEvents > 0)
    {
        await HttpIngestAsync(httpEvents, batchSize);
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

return;

static async Task HttpIngestAsync(int total, int batchSize)
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "tl-collector-bench-http-" + Guid.NewGuid().ToString("N"));
    await using var app = CollectorApp.Build(["--urls", "http://127.0.0.1:0", "--data", dataDirectory, "--Logging:LogLevel:Default=Warning"]);
    await app.StartAsync();
    try
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var generator = new EventGenerator(43, total);
        var bodies = new List<byte[]>();
        for (var done = 0; done < total; done += batchSize)
        {
            bodies.Add(CollectorChild.Body(generator.NextBatch(Math.Min(batchSize, total - done))));
        }

        var started = Stopwatch.GetTimestamp();
        foreach (var body in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Headers.ContentEncoding.Add("gzip");
            using var response = await client.PostAsync(new Uri("/api/events", UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine();
        Console.WriteLine($"Ingest, HTTP (POST /api/events, gzip JSON envelopes of {batchSize}, ~{bodies.Average(b => b.Length) / 1024:N0} KiB compressed, one client): {total / elapsed.TotalSeconds:N0} events/s over {total:N0} events ({elapsed.TotalSeconds:N1} s)");
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static async Task MixedIngestAsync(int total, int batchSize)
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "tl-collector-bench-mixed-" + Guid.NewGuid().ToString("N"));
    try
    {
        await using var store = new SqliteEventStore(dataDirectory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var generator = new EventGenerator(44, total);
        var batches = Enumerable.Range(0, total / batchSize).Select(_ => generator.NextBatch(batchSize, mixed: true)).ToList();
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in batches)
        {
            await store.AppendAsync(new EventBatch(Guid.NewGuid().ToString("N"), batch), CancellationToken.None);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine();
        Console.WriteLine($"Ingest, store, mixed batches (each of the {batchSize} events from a random one of {EventGenerator.UserCount} clients): {total / elapsed.TotalSeconds:N0} events/s over {total:N0} events ({elapsed.TotalSeconds:N1} s, load average {LoadAverage()})");
    }
    finally
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static async Task ConcurrentSingleEventIngestAsync(int total, int callers)
{
    var dataDirectory = Path.Combine(Path.GetTempPath(), "tl-collector-bench-single-" + Guid.NewGuid().ToString("N"));
    try
    {
        await using var store = new SqliteEventStore(dataDirectory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        var generator = new EventGenerator(45, total);
        var events = generator.NextBatch(total, mixed: true);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                await store.AppendAsync(new EventBatch(null, [events[i]]), CancellationToken.None);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine();
        Console.WriteLine($"Ingest, store, one event per request from {callers} concurrent callers: {total / elapsed.TotalSeconds:N0} events/s over {total:N0} events ({elapsed.TotalSeconds:N1} s, load average {LoadAverage()})");
    }
    finally
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static async Task<EventQuery> PageFiveAsync(IEventStore store, EventQuery query)
{
    for (var page = 1; page < 5; page++)
    {
        var result = await store.QueryAsync(query, CancellationToken.None);
        query = query with { Before = result.Next };
    }

    return query;
}

static EventQuery Window(Random random)
{
    var from = EventGenerator.Start + TimeSpan.FromHours(random.Next((int)EventGenerator.Span.TotalHours - 1));
    return new EventQuery { From = from, To = from.AddHours(1), Limit = 100 };
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

static double Percentile(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
    return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
