using System.Globalization;
using System.Text;

namespace ThreadedLogging.PeerBench;

/// <summary>The markdown report: per peer, the median over its rounds of every figure, and ratios to the floor and to OpenTelemetry.</summary>
internal static class Report
{
    public static string Markdown(BenchOptions options, IReadOnlyList<MeasuredRun> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var ok = runs.Where(r => r.Result is not null).ToList();
        var floorNs = Median(ok.Where(r => r.IsFloor).Select(r => r.Result!.CallerNsMedian));
        var otel = ok.Where(r => r.Peer == PeerCatalog.OpenTelemetryBig).ToList();
        var otelRate = Median(otel.Select(r => r.DeliveredPerSecond));
        var otelCpu = Median(otel.Select(r => r.ClientCpuMicrosecondsPerEvent));
        text.AppendLine(c, $"{options.Events:N0} calls of `LogInformation(\"User {{UserId}} did {{Action}}\", i, \"x\")` per run on one thread, one fresh process per run, server {options.Server}; {options.Rounds} rounds in shuffled order (seed {options.Seed}); medians over the rounds. × floor: caller median / MEL no-op's; same round: the median over the rounds of each round's caller median / that round's floor (the floor moves with the machine's slow phases: a ratio of neighbours in time is the fairer one); × OTel: against `{PeerCatalog.OpenTelemetryBig}` (OTLP, queue big enough to keep all).");
        text.AppendLine();
        text.AppendLine("| peer | runs | caller ns/call median (p90 / p99 of 1k-call blocks) | × floor | × floor, same round | caller mean ns/call (whole burst) | caller B/call | GCs in burst gen0/1/2 | delivered (min–max) | dropped | delivered/s | × OTel | client CPU µs/event | × OTel | of it JIT ms (in burst) | server CPU µs/event | peak RSS MB | drain s | Dispose ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var peer in options.Peers)
        {
            var mine = ok.Where(r => r.Peer == peer).ToList();
            if (mine.Count == 0)
            {
                text.AppendLine(c, $"| {peer} | 0 (failed) | | | | | | | | | | | | | | | | | |");
                continue;
            }

            var ns = Median(mine.Select(r => r.Result!.CallerNsMedian));
            var rate = Median(mine.Select(r => r.DeliveredPerSecond));
            var cpu = Median(mine.Select(r => r.ClientCpuMicrosecondsPerEvent));
            var delivered = mine.Select(r => r.Delivered).OfType<long>().ToList();
            text.Append(c, $"| {peer} | {mine.Count} | {ns:N0} ({Median(mine.Select(r => r.Result!.CallerNsP90)):N0} / {Median(mine.Select(r => r.Result!.CallerNsP99)):N0}) | {Ratio(ns, floorNs)} | {SameRound(mine, ok)} ");
            text.Append(c, $"| {Median(mine.Select(r => r.Result!.CallerNsMean)):N0} | {Median(mine.Select(r => r.Result!.CallerBytesPerCall)):N0} | {Gcs(mine)} ");
            text.Append(c, $"| {(mine[0].IsFloor || delivered.Count == 0 ? "—" : $"{Median(delivered.Select(d => (double?)d)):N0} ({delivered.Min():N0}–{delivered.Max():N0})")} ");
            text.Append(c, $"| {(mine[0].IsFloor ? "—" : Median(mine.Select(r => (double?)r.Dropped)).ToString("N0", c))} ");
            text.Append(c, $"| {Format(rate, "N0")} | {Ratio(rate, otelRate)} | {Format(cpu, "F2")} | {Ratio(cpu, otelCpu)} | {Jit(mine)} | {Format(Median(mine.Select(r => r.ServerCpuMicrosecondsPerEvent)), "F2")} ");
            text.AppendLine(c, $"| {Median(mine.Select(r => r.Result!.PeakRssMb)):N0} | {Median(mine.Select(r => r.Result!.DrainMs)) / 1000:F1} | {Median(mine.Select(r => r.Result!.DisposeMs)):N0} |");
        }

        text.AppendLine();
        text.AppendLine("Collections of gen1 and gen2 in the bursts, summed over each peer's runs (why a gen1 or gen2 was raised above its budget's generation, from the runtime's condemn reasons; gen0 collections are in the table):");
        text.AppendLine();
        foreach (var peer in options.Peers)
        {
            var mine = ok.Where(r => r.Peer == peer).ToList();
            if (mine.Count > 0)
            {
                text.AppendLine(c, $"- {peer} ({mine.Count} runs): {OlderCollections(mine)}");
            }
        }

        return text.ToString();
    }

    /// <summary>The gen1 and gen2 collections of the runs' bursts by kind, each with the runs it happened in.</summary>
    private static string OlderCollections(List<MeasuredRun> runs)
    {
        if (runs.Any(r => r.Result!.GcBurstKinds is null))
        {
            return "? (the runtime's events did not arrive in every run)";
        }

        var kinds = runs
            .SelectMany(r => r.Result!.GcBurstKinds!.Where(k => !k.Key.StartsWith("g0", StringComparison.Ordinal)).Select(k => (r.Round, k.Key, k.Value)))
            .GroupBy(k => k.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Sum(k => k.Value)} (round {string.Join(", ", g.Select(k => k.Round).Distinct())})"));
        var text = string.Join("; ", kinds);
        return text.Length == 0 ? "none" : text;
    }

    /// <summary>The median over the rounds of a run's caller median / the floor's in the same round.</summary>
    private static string SameRound(List<MeasuredRun> mine, List<MeasuredRun> all)
    {
        var floors = all.Where(r => r.IsFloor).ToDictionary(r => r.Round, r => r.Result!.CallerNsMedian);
        var ratio = Median(mine.Where(r => floors.ContainsKey(r.Round)).Select(r => r.Result!.CallerNsMedian / floors[r.Round]));
        return Format(ratio, "F2");
    }

    private static string Jit(List<MeasuredRun> runs) =>
        runs.Any(r => r.Result!.JitMs < 0)
            ? "—"
            : string.Create(CultureInfo.InvariantCulture, $"{Median(runs.Select(r => r.Result!.JitMs)):N0} ({Median(runs.Select(r => r.Result!.JitBurstMs)):N0})");

    private static string Gcs(List<MeasuredRun> runs) =>
        string.Join('/', Enumerable.Range(0, 3).Select(g => Median(runs.Select(r => (double?)r.Result!.GcBurst[g])).ToString("N0", CultureInfo.InvariantCulture)));

    private static string Ratio(double value, double reference) =>
        double.IsNaN(value) || double.IsNaN(reference) || reference == 0 ? "—" : (value / reference).ToString("F2", CultureInfo.InvariantCulture);

    private static string Format(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values) => Median(values.Select(v => (double?)v));

    private static double Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
