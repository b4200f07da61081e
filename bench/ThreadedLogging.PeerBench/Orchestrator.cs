using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// Starts the loopback server in the state asked for, runs every peer once per round in a shuffled order, each in
/// a fresh child process, adds what the server counted, and prints the per-run lines and the report.
/// </summary>
internal static class Orchestrator
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var server = options.Server is ServerState.Healthy or ServerState.Slow
            ? await CountingServer.StartAsync(options.Server == ServerState.Slow ? TimeSpan.FromMilliseconds(options.SlowMilliseconds) : TimeSpan.Zero)
            : null;
        using var blackHole = options.Server == ServerState.BlackHole ? new BlackHoleServer() : null;
        var baseUrl = server?.BaseUrl ?? $"http://127.0.0.1:{blackHole?.Port ?? BlackHoleServer.DeadPort()}";
        var random = new Random(options.Seed);
        var runs = new List<MeasuredRun>();
        Console.WriteLine($"# PeerBench: {options.Events:N0} events per run, {options.Rounds} rounds, server {options.Server}, seed {options.Seed}, {Environment.ProcessorCount} cores, load {LoadAverage()}");
        await WarmUpAsync(options, baseUrl, server);
        for (var round = 1; round <= options.Rounds; round++)
        {
            var order = options.Peers.ToArray();
            random.Shuffle(order);
            foreach (var peer in order)
            {
                var run = $"{round}-{peer}";
                var measured = await RunChildAsync(options, peer, run, $"{baseUrl.TrimEnd('/')}/r/{run}", server?.Counter(run));
                runs.Add(measured);
                Console.WriteLine(measured.Line());
            }
        }

        var report = Report.Markdown(options, runs);
        Console.WriteLine();
        Console.WriteLine(report);
        if (options.Out is { } file)
        {
            await File.AppendAllTextAsync(file, report + Environment.NewLine);
        }

        return 0;
    }

    /// <summary>
    /// One unmeasured run of each sending peer (<see cref="BenchOptions.Warmup"/> events): the server is this process, so
    /// without it the first peer of the shuffle to send paid for Kestrel's and its format's code being compiled, in
    /// its server CPU and in the cores its delivery shared with that work.
    /// </summary>
    private static async Task WarmUpAsync(BenchOptions options, string baseUrl, CountingServer? server)
    {
        if (server is null || options.Server != ServerState.Healthy || options.Warmup == 0)
        {
            return; // a slow server's warm-up would wait out each peer's drain, and warm nothing the runs use more
        }

        var warmup = options with { Events = options.Warmup };
        foreach (var peer in options.Peers.Where(p => p != PeerCatalog.Floor).Distinct())
        {
            var run = $"warmup-{peer}";
            var measured = await RunChildAsync(warmup, peer, run, $"{baseUrl.TrimEnd('/')}/r/{run}", server.Counter(run));
            Console.WriteLine($"# warm-up {peer}: {measured.Delivered?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"} of {options.Warmup:N0} delivered, not measured");
        }
    }

    private static async Task<MeasuredRun> RunChildAsync(BenchOptions options, string peer, string run, string url, RunCounter? counter)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", typeof(Orchestrator).Assembly.Location, "run", "--peer", peer, "--events", options.Events.ToString(CultureInfo.InvariantCulture), "--base", url, "--drain-timeout", options.EffectiveDrainTimeoutSeconds.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var self = Process.GetCurrentProcess();
        var serverCpuBefore = self.TotalProcessorTime;
        var load = LoadAverage();
        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the run's process.");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(options.EffectiveDrainTimeoutSeconds + 120));
        var timedOut = false;
        try
        {
            await child.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        self.Refresh();
        var serverCpu = self.TotalProcessorTime - serverCpuBefore;
        var line = (await stdout).Split('\n').LastOrDefault(l => l.StartsWith(ChildRun.ResultPrefix, StringComparison.Ordinal));
        var result = line is null ? null : JsonSerializer.Deserialize<RunResult>(line[ChildRun.ResultPrefix.Length..], RunResult.Json);
        if (result is null)
        {
            Console.Error.WriteLine($"run {run}: no result (exit {(timedOut ? "killed after timeout" : child.ExitCode.ToString(CultureInfo.InvariantCulture))}): {(await stderr).Trim()}");
        }

        return new MeasuredRun(run, peer, result, counter?.Events, counter?.Duplicates, counter?.Requests, counter?.LastArrivalUnixMs, serverCpu.TotalMilliseconds, load, timedOut);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
