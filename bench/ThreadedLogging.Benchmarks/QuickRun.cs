using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// A fast before/after loop without BenchmarkDotNet: <c>--quick [candidate ...] [--iterations N]</c>
/// runs each candidate in this process for N bursts of <see cref="BenchConfig.CallsPerInvoke"/> calls
/// (drained, untimed, between bursts) and prints the median and fastest burst in ns per call, the median
/// on-CPU time per call (a burst's time less the caller's run-queue wait: steady when other processes load the
/// machine), the same less the GC pauses, the mean run-queue wait and GC pause per call, the caller's bytes per call, the other threads' bytes per call (the worker's share of the heap) and the GC counts. Same call and candidates as <see cref="LogCallBenchmarks"/>;
/// the published numbers still come from BenchmarkDotNet. <c>--order</c> makes each call <c>{@Order}</c> with a small
/// object instead: a call a record cannot hold, kept as an object (<c>ObjectSlots</c>).
/// </summary>
internal static class QuickRun
{
    private static readonly Dictionary<string, Func<Candidate>> Candidates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["null"] = () => new NullCandidate(),
        ["clock"] = () => new ClockCandidate(),
        ["threaded"] = () => new ThreadedHttpCandidate(queueFull: false),
        ["threaded-coarse"] = () => new ThreadedHttpCandidate(queueFull: false, coarseTimestamps: true),
        ["discard"] = () => new DiscardCandidate(),
        ["stage-level"] = () => new DiscardCandidate(Stage.LevelCheck),
        ["stage-capture"] = () => new DiscardCandidate(Stage.Capture),
        ["stage-clock"] = () => new DiscardCandidate(Stage.CaptureClockScopes),
        ["stage-enqueue"] = () => new DiscardCandidate(Stage.CaptureEnqueue),
        ["stage-logger"] = () => new DiscardCandidate(direct: true),
        ["dropping"] = () => new ThreadedHttpCandidate(queueFull: true),
        ["serilog"] = () => new SerilogCandidate(),
        ["nlog"] = () => new NLogCandidate(),
        ["otel"] = () => new OpenTelemetryCandidate(),
    };

    public static int Run(string[] args)
    {
        var iterations = 60;
        var names = new List<string>();
        var trace = false;
        var perBurst = false;
        var order = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--iterations")
            {
                iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--gc-trace")
            {
                trace = true;
            }
            else if (args[i] == "--per-burst")
            {
                perBurst = true;
            }
            else if (args[i] == "--order")
            {
                order = true;
            }
            else if (args[i] != "--quick")
            {
                names.Add(args[i]);
            }
        }

        if (names.Count == 0)
        {
            names.AddRange(Candidates.Keys);
        }

        Console.WriteLine($"| candidate | median ns/call | min ns/call | p25 / p75 | on-CPU median | less GC pauses | runq mean | GC pause mean | caller B/call | others B/call | gen0 | gen1 | gen2 | ({iterations} bursts of {BenchConfig.CallsPerInvoke}, GC {(GCSettingsInfo())}) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            using var candidate = Candidates[name]();
            using var gcTrace = trace ? new GcTrace() : null;
            var logger = candidate.Logger;
            Action<ILogger> burst = order ? OrderBurst : Burst;
            // Warm up until tiered compilation has promoted everything the path and its worker run.
            var rounds = WarmUp.UntilJitQuiet(() => burst(logger), candidate.Drain);
            Console.WriteLine($"// {name}: warmed up in {rounds} rounds of 5 bursts");

            var times = new double[iterations];
            var collections = new int[iterations];
            var waited = new double[iterations];
            var onCpu = new double[iterations];
            var paused = new double[iterations];
            long bytes = 0;
            var allBefore = GC.GetTotalAllocatedBytes(precise: true);
            var gc0 = GC.CollectionCount(0);
            var gc1 = GC.CollectionCount(1);
            var gc2 = GC.CollectionCount(2);
            for (var i = 0; i < iterations; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var collected = GC.CollectionCount(0);
                var (_, waitBefore) = SchedStat();
                var pauseBefore = GC.GetTotalPauseDuration();
                var started = Stopwatch.GetTimestamp();
                burst(logger);
                times[i] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / BenchConfig.CallsPerInvoke;
                bytes += GC.GetAllocatedBytesForCurrentThread() - before;
                collections[i] = GC.CollectionCount(0) - collected;
                paused[i] = (GC.GetTotalPauseDuration() - pauseBefore).TotalNanoseconds / BenchConfig.CallsPerInvoke;
                waited[i] = (SchedStat().WaitNs - waitBefore) / (double)BenchConfig.CallsPerInvoke;
                onCpu[i] = times[i] - waited[i]; // not runAfter - runBefore: a running thread's run time is brought up to date only at the scheduler's tick
                candidate.Drain();
            }

            // Every other thread of the process (the worker, its HTTP sends, the thread pool; the receiver is a process of its
            // own): what the pipeline puts on the app's heap for each call delivered, bursts and drains together.
            var others = GC.GetTotalAllocatedBytes(precise: true) - allBefore - bytes;
            if (perBurst)
            {
                // Each burst's time and the GCs that ran during it: are the slow bursts the ones with a GC?
                Console.WriteLine(string.Join(' ', times.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t:F0}{(collections[i] > 0 ? "*" + collections[i] + "/" + paused[i].ToString("F0", CultureInfo.InvariantCulture) : "")}{(waited[i] >= 1 ? "~" + waited[i].ToString("F0", CultureInfo.InvariantCulture) : "")}"))));
            }

            var waitMean = waited.Average();
            var pauseMean = paused.Average();
            var running = onCpu.Select((t, i) => t - paused[i]).Order().ToArray();
            Array.Sort(times);
            Array.Sort(onCpu);
            var calls = (double)iterations * BenchConfig.CallsPerInvoke;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {times[iterations / 2]:F0} | {times[0]:F0} | {times[iterations / 4]:F0} / {times[iterations * 3 / 4]:F0} | {onCpu[iterations / 2]:F0} | {running[iterations / 2]:F0} | {waitMean:F0} | {pauseMean:F0} | {bytes / calls:F0} | {others / calls:F0} | {GC.CollectionCount(0) - gc0} | {GC.CollectionCount(1) - gc1} | {GC.CollectionCount(2) - gc2} |"));
            gcTrace?.Print();
        }

        return 0;
    }

    private static void Burst(ILogger logger)
    {
        for (var i = 0; i < BenchConfig.CallsPerInvoke; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
        }
    }

    private static void OrderBurst(ILogger logger)
    {
        var order = new BenchOrder(42, "alice", 1200m);
        for (var i = 0; i < BenchConfig.CallsPerInvoke; i++)
        {
            logger.LogInformation("Placed {@Order}", order);
        }
    }

    /// <summary>
    /// The calling thread's time on a CPU and waiting for one, in ns (Linux <c>/proc/thread-self/schedstat</c>):
    /// a burst's wait time is what other threads (the worker, Kestrel) took from it. Zeros elsewhere.
    /// </summary>
    private static (long RunNs, long WaitNs) SchedStat()
    {
        try
        {
            var fields = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            return (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private static string GCSettingsInfo() =>
        Environment.GetEnvironmentVariable("DOTNET_GCgen0size") is { } size ? "gen0size " + size : "default";
}

/// <summary>What <c>--order</c> logs as <c>{@Order}</c>.</summary>
internal sealed record BenchOrder(int Id, string Customer, decimal Total);
