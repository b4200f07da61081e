using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// Short jobs that fit a 2-core machine: every iteration is a burst of a fixed number of log calls
/// (one invocation of 32,000 calls), after which (untimed) the candidate's queue is drained, so that what
/// is measured is enqueueing while the worker ships, not drops, and not a queue of millions of live
/// events that every GC has to promote. The benchmark's GlobalSetup also warms the path up and lets
/// tiered compilation finish before the first measured iteration.
/// Two jobs: the runtime's defaults, and the same with a 64 MiB gen0 budget. This VM does not report
/// its CPU cache sizes, so the GC falls back to a small gen0 budget and collects every few MB; the
/// second job shows what the same code costs where gen0 is sized from a real L3 cache.
/// </summary>
public class BenchConfig : ManualConfig
{
    /// <summary>
    /// Log calls per benchmark invocation (the OperationsPerInvoke of every benchmark). Large, so that
    /// starting the second thread of the two-thread cases (about 0.1 ms on this VM) is amortized.
    /// </summary>
    public const int CallsPerInvoke = 32_000;

    /// <summary>Invocations per iteration: one burst of 32k calls, then the queue is drained.</summary>
    public const int InvocationsPerIteration = 1;

    /// <summary>The environment variable that tells a benchmark process which job it runs.</summary>
    public const string JobVariable = "THREADEDLOGGING_BENCH_JOB";

    /// <summary>The environment variable that restricts a run to one job.</summary>
    public const string OnlyJobVariable = "THREADEDLOGGING_BENCH_ONLY_JOB";

    public BenchConfig()
        : this(comparePeers: true)
    {
    }

    private protected BenchConfig(bool comparePeers)
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(15)
            .WithIterationCount(30)
            .WithInvocationCount(InvocationsPerIteration)
            .WithUnrollFactor(1)
            .WithEnvironmentVariable(Sidecar.DirectoryVariable, Sidecar.Directory)
            .WithEnvironmentVariable(ReceiverProcess.HostAssemblyVariable, typeof(BenchConfig).Assembly.Location);
        // THREADEDLOGGING_BENCH_ONLY_JOB=DefaultGC (or Gen0-64MB) runs one job only, for quick experiments.
        var only = Environment.GetEnvironmentVariable(OnlyJobVariable);
        if (only is null or "" or "DefaultGC")
        {
            AddJob(job
                .WithEnvironmentVariable(JobVariable, "DefaultGC")
                .WithId("DefaultGC"));
        }

        if (only is null or "" or "Gen0-64MB")
        {
            AddJob(job
                .WithEnvironmentVariable(JobVariable, "Gen0-64MB")
                .WithEnvironmentVariable("DOTNET_GCgen0size", "0x4000000")
                .WithId("Gen0-64MB"));
        }
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        if (comparePeers)
        {
            AddColumn(new RatioToPeerColumn());
        }

        AddColumn(new SidecarColumn("Caller alloc/op", "bytes allocated by the calling thread per log call", r => r.CallerBytesPerCall.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " B"));
        AddColumn(new SidecarColumn("Dropped", "events the candidate dropped (all calls of the run, warm-up included)", r => r.DroppedText));
        HideColumns("EnvironmentVariables"); // the job's name says it
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
