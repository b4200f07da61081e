using System.Globalization;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// What a benchmark process measured itself and BenchmarkDotNet does not: caller-thread bytes, drops.
/// <see cref="Calls"/> counts every call (for the drop audit); the bytes per call are those of the calls
/// after GlobalSetup's warm-up (which fills ThreadedLogging's event pool once), the steady state.
/// </summary>
public sealed record SidecarResult(long Calls, long CallerBytes, long Delivered, long Dropped, long MeasuredCalls)
{
    public double CallerBytesPerCall => MeasuredCalls == 0 ? 0 : (double)CallerBytes / MeasuredCalls;

    public string DroppedText => Dropped == 0 ? "0" : string.Create(CultureInfo.InvariantCulture, $"{Dropped:N0} ({100.0 * Dropped / Calls:0.#}%)");
}

/// <summary>
/// A file per benchmark case, written by the benchmark's child process in GlobalCleanup and read by the
/// host's columns. BenchmarkDotNet's own Allocated column counts every thread of the process (the
/// loggers' workers and the in-process HTTP server too); the caller's share is measured here.
/// </summary>
public static class Sidecar
{
    public const string DirectoryVariable = "THREADEDLOGGING_BENCH_SIDECAR";

    public static string Directory { get; } =
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : Path.GetFullPath(Path.Combine("BenchmarkDotNet.Artifacts", "sidecar"));

    /// <summary>The key of a case: job, method, threads. In a benchmark process the job comes from its environment.</summary>
    public static string Key(string method, int threads, string? job = null) =>
        $"{job ?? Environment.GetEnvironmentVariable(BenchConfig.JobVariable) ?? "none"}-{method}-{threads.ToString(CultureInfo.InvariantCulture)}";

    public static void Reset()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Directory);
    }

    public static void Write(string key, SidecarResult result)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, key + ".txt"), string.Create(CultureInfo.InvariantCulture, $"{result.Calls} {result.CallerBytes} {result.Delivered} {result.Dropped} {result.MeasuredCalls}"));
    }

    public static SidecarResult? Read(string key)
    {
        var path = Path.Combine(Directory, key + ".txt");
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ');
        return new SidecarResult(
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture),
            long.Parse(parts[3], CultureInfo.InvariantCulture),
            long.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
