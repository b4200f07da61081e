using System.Text.Json;

namespace ThreadedLogging.PeerBench;

/// <summary>What one run measured in its own process; the orchestrator adds the server's counts.</summary>
internal sealed record RunResult
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string Peer { get; init; } = string.Empty;

    public int Events { get; init; }

    /// <summary>Gets the wall clock (Unix ms) at the first log call; the server's last arrival is measured against it.</summary>
    public long StartUnixMs { get; init; }

    public long EndUnixMs { get; init; }

    /// <summary>Gets the median over the burst's blocks of 1,000 calls of ns per call.</summary>
    public double CallerNsMedian { get; init; }

    public double CallerNsP90 { get; init; }

    public double CallerNsP99 { get; init; }

    public double CallerNsMax { get; init; }

    public double CallerNsMean { get; init; }

    /// <summary>Gets what the calling thread allocated per call during the burst.</summary>
    public double CallerBytesPerCall { get; init; }

    /// <summary>Gets the calling thread's time on a CPU during the burst, per call (Linux schedstat; -1 elsewhere).</summary>
    public double CallerOnCpuNsPerCall { get; init; }

    /// <summary>Gets the calling thread's time runnable but waiting for a CPU during the burst, per call (Linux schedstat).</summary>
    public double CallerRunQueueNsPerCall { get; init; }

    /// <summary>Gets how many times the calling thread was put on a CPU during the burst (Linux schedstat).</summary>
    public long CallerSwitches { get; init; }

    /// <summary>Gets the gen0/gen1/gen2 collections during the burst.</summary>
    public int[] GcBurst { get; init; } = [];

    /// <summary>Gets the gen0/gen1/gen2 collections from the burst's start to the end of Dispose.</summary>
    public int[] GcTotal { get; init; } = [];

    /// <summary>Gets the burst's collections by generation, reason and type (<see cref="GcLog.Count"/>); null when the runtime's events did not arrive.</summary>
    public SortedDictionary<string, int>? GcBurstKinds { get; init; }

    /// <summary>Gets the collections from the burst's end to the end of Dispose, as <see cref="GcBurstKinds"/>.</summary>
    public SortedDictionary<string, int>? GcAfterKinds { get; init; }

    /// <summary>Gets the KiB the burst's collections kept of gen0 (promoted to gen1) and of gen1 (to gen2): what lived across a collection.</summary>
    public long[] GcBurstSurvivedKb { get; init; } = [];

    public double BurstMs { get; init; }

    public double DrainMs { get; init; }

    /// <summary>Gets whether the peer's flush said it was done (null: the peer has no flush).</summary>
    public bool? Drained { get; init; }

    public double DisposeMs { get; init; }

    /// <summary>Gets the process's CPU time (all threads) from the burst's start to the end of Dispose.</summary>
    public double CpuMs { get; init; }

    /// <summary>Gets the background JIT's CPU time during the burst (<see cref="JitThreadTime"/>; -1 off Linux).</summary>
    public double JitBurstMs { get; init; }

    /// <summary>Gets the background JIT's CPU time from the burst's start to the end of Dispose, within <see cref="CpuMs"/>.</summary>
    public double JitMs { get; init; }

    public double PeakRssMb { get; init; }

    public long? LibraryDropped { get; init; }
}
