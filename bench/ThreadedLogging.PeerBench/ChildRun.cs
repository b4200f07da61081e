using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// One measured run, in a fresh process: N calls of <c>LogInformation("User {UserId} did {Action}", i, "x")</c> in
/// a tight loop on one thread, timed per block of <see cref="BlockSize"/> calls; then drain (the peer's flush) and
/// Dispose, each timed. Prints one line <c>RESULT {json}</c> for the orchestrator.
/// </summary>
internal static class ChildRun
{
    public const int BlockSize = 1000;
    public const string ResultPrefix = "RESULT ";

    public static int Run(ChildOptions options)
    {
        using var process = Process.GetCurrentProcess();
        using var gcLog = new GcLog();
        var peer = PeerCatalog.Create(options);
        var logger = peer.Logger;
        var blocks = new long[options.Events / BlockSize];
        var gcBefore = GcCounts();
        var cpuBefore = process.TotalProcessorTime;
        var startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var schedBefore = ThreadSchedStat.Read();
        var jitBefore = JitThreadTime.ReadMs();
        var burstStart = Stopwatch.GetTimestamp();
        for (var b = 0; b < blocks.Length; b++)
        {
            var blockStart = Stopwatch.GetTimestamp();
            var end = (b + 1) * BlockSize;
            for (var i = b * BlockSize; i < end; i++)
            {
                logger.LogInformation("User {UserId} did {Action}", i, "x");
            }

            blocks[b] = Stopwatch.GetTimestamp() - blockStart;
        }

        var burstEnd = Stopwatch.GetTimestamp();
        var schedBurst = ThreadSchedStat.Read() - schedBefore;
        var jitBurst = JitThreadTime.ReadMs();
        var callerBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var gcBurst = GcCounts();
        var drained = peer.Drain?.Invoke(TimeSpan.FromSeconds(options.DrainTimeoutSeconds));
        var drainEnd = Stopwatch.GetTimestamp();
        var libraryDropped = peer.LibraryDropped?.Invoke();
        peer.Dispose();
        var disposeEnd = Stopwatch.GetTimestamp();
        var jitEnd = JitThreadTime.ReadMs();
        process.Refresh();
        var gcEnd = GcCounts();
        var gcSeen = gcLog.WaitFor(gcEnd[0], TimeSpan.FromSeconds(10));
        var survived = gcLog.Survived(gcBefore[0], gcBurst[0]);
        Array.Sort(blocks);
        var result = new RunResult
        {
            Peer = options.Peer,
            Events = options.Events,
            StartUnixMs = startUnixMs,
            CallerNsMedian = BlockNs(blocks, 0.50),
            CallerNsP90 = BlockNs(blocks, 0.90),
            CallerNsP99 = BlockNs(blocks, 0.99),
            CallerNsMax = BlockNs(blocks, 1.0),
            CallerNsMean = Stopwatch.GetElapsedTime(burstStart, burstEnd).TotalNanoseconds / options.Events,
            CallerBytesPerCall = (double)callerBytes / options.Events,
            CallerOnCpuNsPerCall = schedBurst.RunNs / (double)options.Events,
            CallerRunQueueNsPerCall = schedBurst.WaitNs / (double)options.Events,
            CallerSwitches = schedBurst.Slices,
            GcBurst = [gcBurst[0] - gcBefore[0], gcBurst[1] - gcBefore[1], gcBurst[2] - gcBefore[2]],
            GcTotal = [gcEnd[0] - gcBefore[0], gcEnd[1] - gcBefore[1], gcEnd[2] - gcBefore[2]],
            GcBurstKinds = gcSeen ? gcLog.Count(gcBefore[0], gcBurst[0]) : null,
            GcAfterKinds = gcSeen ? gcLog.Count(gcBurst[0], gcEnd[0]) : null,
            GcBurstSurvivedKb = [survived.FromGen0 / 1024, survived.FromGen1 / 1024],
            BurstMs = Stopwatch.GetElapsedTime(burstStart, burstEnd).TotalMilliseconds,
            DrainMs = Stopwatch.GetElapsedTime(burstEnd, drainEnd).TotalMilliseconds,
            Drained = drained,
            DisposeMs = Stopwatch.GetElapsedTime(drainEnd, disposeEnd).TotalMilliseconds,
            EndUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            CpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds,
            JitBurstMs = jitBefore < 0 ? -1 : jitBurst - jitBefore,
            JitMs = jitBefore < 0 ? -1 : jitEnd - jitBefore,
            PeakRssMb = PeakRssMegabytes(),
            LibraryDropped = libraryDropped,
        };
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result, RunResult.Json));
        return 0;
    }

    private static int[] GcCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private static double BlockNs(long[] sorted, double quantile)
    {
        var index = (int)Math.Min(sorted.Length - 1, Math.Ceiling(quantile * sorted.Length) - 1);
        return Stopwatch.GetElapsedTime(0, sorted[Math.Max(0, index)]).TotalNanoseconds / BlockSize;
    }

    /// <summary>The process's peak resident set (<c>VmHWM</c> of <c>/proc/self/status</c>), in MB; -1 where there is none.</summary>
    private static double PeakRssMegabytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        return -1;
    }
}
