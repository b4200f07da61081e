using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>
/// The load tool (issue 4, "Measure"): N structured events logged as fast as possible from 1–2 threads
/// into a <see cref="ThreadedHttpHandler"/> (JsonBatch) pointed at the real collector process on
/// loopback, then <c>Flush</c>; rate = N / (first log call → Flush returned). Every run starts a
/// fresh collector (fresh data directory, warmed with a few thousand events of another user), and
/// ends by reading back every stored event through the query API to check that all N arrived, once.
/// Spool off and on alternate run by run, so drift on the machine hits both alike.
/// </summary>
public static class DeliveryLoad
{
    private const int CollectorWarmupEvents = 5_000;

    public static async Task<int> RunAsync(DeliveryOptions options)
    {
        Console.WriteLine($"# delivery: {options.Events} events x {options.Runs} runs, {options.Threads} thread(s), {options.Handlers} handler(s), BatchSize {options.EffectiveBatchSize}, " +
            $"{(options.Wait ? "FullMode=Wait, QueueCapacity 10000" : $"QueueCapacity {QueueCapacityFor(options)}")}, spool {string.Join('/', options.SpoolModes.Select(Name))}");
        Console.WriteLine($"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, server GC {System.Runtime.GCSettings.IsServerGC}");

        // Warm up this process (JIT, thread pool, HTTP stack) once per mode, untimed.
        foreach (var spool in options.SpoolModes)
        {
            var warm = await RunOnceAsync(options with { Events = Math.Max(options.Events / 10, 1000) }, spool, run: 0);
            Console.WriteLine($"warm-up  {Describe(warm)}");
        }

        var results = new List<DeliveryResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var spool in options.SpoolModes)
            {
                var result = await RunOnceAsync(options, spool, run);
                results.Add(result);
                Console.WriteLine($"run {run,-4} {Describe(result)}");
            }
        }

        var report = Report(options, results);
        Console.WriteLine();
        Console.WriteLine(report);
        if (options.Out is { } path)
        {
            await File.AppendAllTextAsync(path, report);
        }

        return results.All(r => r.Complete) ? 0 : 1;
    }

    private static int QueueCapacityFor(DeliveryOptions options) => options.Wait ? 10_000 : options.Events + 1_000;

    private static async Task<DeliveryResult> RunOnceAsync(DeliveryOptions options, bool spool, int run)
    {
        await using var collector = await CollectorProcess.StartAsync();
        var spoolDirectory = spool ? Path.Combine(Path.GetTempPath(), "tl-delivery-spool-" + Guid.NewGuid().ToString("N")) : null;
        var selfLog = new ConcurrentQueue<string>();
        try
        {
            await WarmCollectorAsync(collector);
            var user = $"bench-{Name(spool)}-{run}-{Guid.NewGuid().ToString("N")[..8]}";
            var handlers = Enumerable.Range(0, options.Handlers).Select(_ => new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
            {
                Host = collector.Host,
                Url = "/log/{user}",
                Format = HttpLogFormat.JsonBatch,
                User = user,
                App = "DeliveryBench",
                BatchSize = options.EffectiveBatchSize,
                QueueCapacity = QueueCapacityFor(options),
                MaxQueueBytes = options.Wait ? new ThreadedHandlerOptions().MaxQueueBytes : 4L << 30,
                FullMode = options.Wait ? QueueFullMode.Wait : QueueFullMode.DropNewest,
                BufferDirectory = spoolDirectory,
                SelfLog = selfLog.Enqueue,
            })).ToList();
            var loggers = handlers.Select(h => h.CreateLogger("DeliveryBench.Orders")).ToList();

            // Let the worker open the spool before the clock starts (a real app starts long before its burst).
            handlers.ForEach(h => h.Flush(TimeSpan.FromSeconds(30)));
            var load = LoadAverage();
            var collectorCpu0 = collector.CpuTime;
            var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated0 = GC.GetTotalAllocatedBytes(precise: false);
            var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

            using var go = new ManualResetEventSlim();
            var per = options.Events / options.Threads;
            var threads = Enumerable.Range(0, options.Threads).Select(t =>
            {
                var first = t * per;
                var last = t == options.Threads - 1 ? options.Events : first + per;
                var logger = loggers[t % loggers.Count];
                var thread = new Thread(() =>
                {
                    go.Wait();
                    for (var n = first; n < last; n++)
                    {
                        // Two structured properties, as a typical call: an int and a string.
                        logger.LogInformation("Order {N} shipped to {Customer}", n, "customer-42");
                    }
                })
                { IsBackground = true, Name = $"caller-{t}" };
                thread.Start();
                return thread;
            }).ToList();

            var start = Stopwatch.GetTimestamp();
            go.Set();
            foreach (var thread in threads)
            {
                thread.Join();
            }

            var logTime = Stopwatch.GetElapsedTime(start);
            var flushed = handlers.Select(h => h.Flush(TimeSpan.FromMinutes(5))).ToList().TrueForAll(f => f);
            var totalTime = Stopwatch.GetElapsedTime(start);

            var collectorCpu = collector.CpuTime - collectorCpu0;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu0;
            var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocated0;
            var gcs = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
            var all = handlers.Select(h => h.Statistics).ToList();
            var statistics = new ThreadedHandlerStatistics
            {
                Enqueued = all.Sum(x => x.Enqueued),
                Sent = all.Sum(x => x.Sent),
                Dropped = all.Sum(x => x.Dropped),
                Retried = all.Sum(x => x.Retried),
                Failed = all.Sum(x => x.Failed),
            };
            foreach (var handler in handlers)
            {
                await handler.DisposeAsync();
            }

            var numbers = await collector.EventNumbersAsync(user);
            var distinct = numbers.Where(n => n >= 0 && n < options.Events).Distinct().LongCount();
            foreach (var line in selfLog.Take(5))
            {
                Console.WriteLine($"  self-log: {line}");
            }

            return new DeliveryResult
            {
                Spool = spool,
                Run = run,
                Events = options.Events,
                LogTime = logTime,
                TotalTime = totalTime,
                Flushed = flushed,
                Stored = numbers.Count,
                Distinct = distinct,
                Statistics = statistics,
                ClientCpu = clientCpu,
                CollectorCpu = collectorCpu,
                ClientAllocated = allocated,
                Gen0 = gcs.Item1,
                Gen1 = gcs.Item2,
                Gen2 = gcs.Item3,
                SelfLogLines = selfLog.Count,
                LoadAverage = load,
            };
        }
        finally
        {
            if (spoolDirectory is not null && Directory.Exists(spoolDirectory))
            {
                Directory.Delete(spoolDirectory, recursive: true);
            }
        }
    }

    /// <summary>A few thousand events of another user, so the collector's JIT and SQLite caches are warm when the clock starts.</summary>
    private static async Task WarmCollectorAsync(CollectorProcess collector)
    {
        await using var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.Host,
            Format = HttpLogFormat.JsonBatch,
            User = "warmup",
            App = "DeliveryBench",
        });
        var logger = handler.CreateLogger("DeliveryBench.Warmup");
        for (var n = 0; n < CollectorWarmupEvents; n++)
        {
            logger.LogInformation("Order {N} shipped to {Customer}", n, "customer-42");
        }

        handler.Flush(TimeSpan.FromSeconds(60));
    }

    private static string Name(bool spool) => spool ? "on" : "off";

    private static string Describe(DeliveryResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"spool {Name(r.Spool),-3} {r.EventsPerSecond,9:N0} events/s  total {r.TotalTime.TotalMilliseconds,7:N0} ms  log {r.LogTime.TotalMilliseconds,6:N0} ms  " +
        $"stored {r.Stored}/{r.Events} distinct {r.Distinct}  dropped {r.Statistics.Dropped} retried {r.Statistics.Retried} failed {r.Statistics.Failed}  " +
        $"cpu/event client {r.ClientCpuPerEvent:0.0} us collector {r.CollectorCpuPerEvent:0.0} us  load {r.LoadAverage:0.0}  alloc {(double)r.ClientAllocated / r.Events:N0} B/event  gc {r.Gen0}/{r.Gen1}/{r.Gen2}{(r.Flushed ? "" : "  FLUSH TIMED OUT")}");

    private static string Report(DeliveryOptions options, List<DeliveryResult> results)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var queue = options.Wait ? "FullMode = Wait (QueueCapacity 10,000)" : string.Create(inv, $"QueueCapacity {QueueCapacityFor(options):N0} (no waiting, no drops)");
        text.AppendLine(inv, $"N = {options.Events:N0} events/run, {options.Threads} thread(s), {options.Handlers} handler(s), BatchSize {options.EffectiveBatchSize}, {queue}.");
        text.AppendLine();
        text.AppendLine("| Spool | Runs | events/s median | min | max | Flush done (median ms) | log calls done (median ms) | client CPU/event (median µs) | collector CPU/event (median µs) | client alloc/event (median B) | load avg (median) | stored = N, each once | dropped | retried |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var group in results.GroupBy(r => r.Spool))
        {
            var rates = group.Select(r => r.EventsPerSecond).ToList();
            text.AppendLine(string.Create(
                inv,
                $"| {(group.Key ? "on" : "off")} | {group.Count()} | {Median(rates):N0} | {rates.Min():N0} | {rates.Max():N0} " +
                $"| {Median(group.Select(r => r.TotalTime.TotalMilliseconds)):N0} | {Median(group.Select(r => r.LogTime.TotalMilliseconds)):N0} " +
                $"| {Median(group.Select(r => r.ClientCpuPerEvent)):0.0} | {Median(group.Select(r => r.CollectorCpuPerEvent)):0.0} " +
                $"| {Median(group.Select(r => (double)r.ClientAllocated / r.Events)):N0} | {Median(group.Select(r => r.LoadAverage)):0.0} " +
                $"| {group.Count(r => r.Stored == r.Events && r.Distinct == r.Events)}/{group.Count()} runs | {group.Sum(r => r.Statistics.Dropped)} | {group.Sum(r => r.Statistics.Retried)} |"));
        }

        text.AppendLine();
        text.AppendLine("| Run | Spool | events/s | Flush done (ms) | log calls done (ms) | client CPU/event (µs) | collector CPU/event (µs) | gen0/1/2 GCs | load avg | stored | dropped | retried |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(
                inv,
                $"| {r.Run} | {(r.Spool ? "on" : "off")} | {r.EventsPerSecond:N0} | {r.TotalTime.TotalMilliseconds:N0} | {r.LogTime.TotalMilliseconds:N0} " +
                $"| {r.ClientCpuPerEvent:0.0} | {r.CollectorCpuPerEvent:0.0} | {r.Gen0}/{r.Gen1}/{r.Gen2} | {r.LoadAverage:0.0} | {r.Stored:N0} | {r.Statistics.Dropped} | {r.Statistics.Retried} |"));
        }

        text.AppendLine();
        return text.ToString();
    }

    private static double LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) && double.TryParse(File.ReadAllText(path).Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : double.NaN;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
