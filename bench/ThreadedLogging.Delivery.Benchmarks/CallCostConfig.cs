using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>
/// A ShortRun-like job that fits a few minutes on two cores: one launch, 3 warm-up and 15 measured
/// iterations of one burst each (so <c>IterationCleanup</c> can drain after every burst). Adds the
/// caller-thread allocation and CPU time per call, and the events sent and dropped, read from the sidecar.
/// </summary>
public sealed class CallCostConfig : ManualConfig
{
    public CallCostConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithEnvironmentVariable(CallerAllocSidecar.DirectoryVariable, CallerAllocSidecar.Directory)
            .WithId("Short-1x15"));
        // The benchmark's own project is built under whatever else runs on the (shared, 2-core) machine: the default 2 minutes is not enough.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        AddColumn(new CallerAllocColumn("Caller alloc/op", r => r.BytesPerCall.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " B"));
        AddColumn(new CallerAllocColumn("Caller CPU/op", r => r.CpuNanosecondsPerCall.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ns"));
        AddColumn(new CallerAllocColumn("Sent", r => r.Sent.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AddColumn(new CallerAllocColumn("Dropped", r => r.Dropped.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private sealed class CallerAllocColumn(string name, Func<CallerAllocResult, string> format) : IColumn
    {
        public string Id => nameof(CallerAllocColumn) + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name switch
        {
            "Caller alloc/op" => "bytes allocated by the calling thread per log call (GC.GetAllocatedBytesForCurrentThread; Allocated counts the worker too)",
            "Caller CPU/op" => "CPU time of the calling thread per log call (CLOCK_THREAD_CPUTIME_ID): not inflated when other processes take the cores",
            _ => $"events {name.ToLowerInvariant()} by the handler over the whole benchmark run",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            benchmarkCase.Parameters["Spool"] is bool spool && CallerAllocSidecar.Read(spool) is { } result ? format(result) : "?";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
