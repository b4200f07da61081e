using System.Globalization;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>What a benchmark process measured that BenchmarkDotNet does not carry back to the host.</summary>
public sealed record CallerAllocResult(long Calls, long CallerBytes, long CallerCpuNanoseconds, long Sent, long Dropped)
{
    public double BytesPerCall => Calls == 0 ? 0 : (double)CallerBytes / Calls;

    public double CpuNanosecondsPerCall => Calls == 0 ? 0 : (double)CallerCpuNanoseconds / Calls;
}

/// <summary>
/// A file per benchmark case in a directory the host creates (and passes down in an environment
/// variable): the benchmark process writes its caller-thread allocations there, a column reads them.
/// </summary>
public static class CallerAllocSidecar
{
    public const string DirectoryVariable = "TL_DELIVERY_BENCH_SIDECAR";

    public static string Directory { get; } = Environment.GetEnvironmentVariable(DirectoryVariable)
        ?? Path.Combine(Path.GetTempPath(), "tl-delivery-bench-sidecar");

    public static void Reset()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Directory);
    }

    public static void Write(bool spool, CallerAllocResult result)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(PathFor(spool), string.Join(' ', new[] { result.Calls, result.CallerBytes, result.CallerCpuNanoseconds, result.Sent, result.Dropped }.Select(v => v.ToString(CultureInfo.InvariantCulture))));
    }

    public static CallerAllocResult? Read(bool spool)
    {
        var path = PathFor(spool);
        if (!File.Exists(path))
        {
            return null;
        }

        var values = File.ReadAllText(path).Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new CallerAllocResult(values[0], values[1], values[2], values[3], values[4]);
    }

    private static string PathFor(bool spool) => Path.Combine(Directory, spool ? "spool-on.txt" : "spool-off.txt");
}
