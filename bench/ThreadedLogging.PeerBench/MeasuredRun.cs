using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>One run: what its process measured and what the server counted for it.</summary>
internal sealed record MeasuredRun(
    string Run,
    string Peer,
    RunResult? Result,
    long? Delivered,
    long? Duplicates,
    long? Requests,
    long? LastArrivalUnixMs,
    double ServerCpuMs,
    string LoadAverage,
    bool TimedOut)
{
    public bool IsFloor => Peer == PeerCatalog.Floor;

    /// <summary>Gets the round the run belongs to (its name is <c>round-peer</c>).</summary>
    public string Round => Run[..Run.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>Gets the events that did not reach the server (the floor sends nothing, so it has none).</summary>
    public long? Dropped => IsFloor || Result is null ? null : Result.Events - (Delivered ?? 0);

    /// <summary>Gets delivered events per second, from the first log call to the last arrival at the server.</summary>
    public double? DeliveredPerSecond =>
        Result is null || Delivered is not > 0 || LastArrivalUnixMs is not { } last || last <= Result.StartUnixMs
            ? null
            : Delivered.Value / ((last - Result.StartUnixMs) / 1000.0);

    /// <summary>Gets the run's process CPU (callers, worker, HTTP; burst to end of Dispose) per delivered event, or per call for the floor.</summary>
    public double? ClientCpuMicrosecondsPerEvent =>
        Result is null ? null : Result.CpuMs * 1000 / (IsFloor ? Result.Events : Math.Max(1, Delivered ?? 0));

    /// <summary>Gets the counting server's CPU per delivered event (the orchestrator's process while the run lasted).</summary>
    public double? ServerCpuMicrosecondsPerEvent => Delivered is > 0 ? ServerCpuMs * 1000 / Delivered.Value : null;

    /// <summary>Collections by kind, e.g. <c>g0 AllocSmall 25, g1 AllocSmall 1</c>; <c>none</c>, or <c>?</c> when the runtime's events did not arrive.</summary>
    public static string Kinds(SortedDictionary<string, int>? kinds) =>
        kinds is null ? "?" : kinds.Count == 0 ? "none" : string.Join(", ", kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value}")));

    public string Line()
    {
        if (Result is not { } r)
        {
            return $"{Run}: failed{(TimedOut ? " (timed out)" : "")}";
        }

        var c = CultureInfo.InvariantCulture;
        return string.Create(c, $"{Run,-22} ns/call p50 {r.CallerNsMedian,7:F0} p90 {r.CallerNsP90,7:F0} p99 {r.CallerNsP99,7:F0} max {r.CallerNsMax,8:F0} mean {r.CallerNsMean,7:F0} on-cpu {r.CallerOnCpuNsPerCall,6:F0} runq {r.CallerRunQueueNsPerCall,6:F0} slices {r.CallerSwitches} | B/call {r.CallerBytesPerCall,6:F0} | GC burst {r.GcBurst[0]}/{r.GcBurst[1]}/{r.GcBurst[2]} total {r.GcTotal[0]}/{r.GcTotal[1]}/{r.GcTotal[2]} [burst: {Kinds(r.GcBurstKinds)}; after: {Kinds(r.GcAfterKinds)}] survived {string.Join('/', r.GcBurstSurvivedKb)} KiB | delivered {Delivered?.ToString("N0", c) ?? "-"} dup {Duplicates ?? 0} lib-dropped {r.LibraryDropped?.ToString("N0", c) ?? "-"} | {DeliveredPerSecond?.ToString("N0", c) ?? "-"}/s | cpu {ClientCpuMicrosecondsPerEvent:F2} µs/ev jit {r.JitBurstMs:F0}/{r.JitMs:F0} ms server {ServerCpuMicrosecondsPerEvent?.ToString("F2", c) ?? "-"} | RSS {r.PeakRssMb:F0} MB | drain {r.DrainMs:F0} ms ({(r.Drained?.ToString() ?? "n/a")}) Dispose {r.DisposeMs:F0} ms | load {LoadAverage}");
    }
}
