using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// The caller's side of one structured log call, <c>LogInformation("Paid {Employee} {Amount}", "alice", 1200m)</c>,
/// through the same <see cref="ILogger"/> API for every candidate (issue 2). Each invocation makes
/// <see cref="BenchConfig.CallsPerInvoke"/> calls; between iterations the candidate's queue is drained
/// (untimed), so the queues never fill — except in the drop-path case, where that is the point.
/// With <see cref="Threads"/> = 2 the calls are split over two threads and the time is wall-clock per call.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class LogCallBenchmarks
{
    private Candidate _candidate = new NullCandidate();
    private ILogger _logger = new NullCandidate().Logger;
    private string _name = string.Empty;
    private long _calls;
    private long _callerBytes;
    private long _warmupCalls;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(NullLogger))]
    public void SetupNull() => Setup(nameof(NullLogger), new NullCandidate());

    [GlobalSetup(Target = nameof(NullLoggerPlusClock))]
    public void SetupClock() => Setup(nameof(NullLoggerPlusClock), new ClockCandidate());

    [GlobalSetup(Target = nameof(ThreadedHttp))]
    public void SetupThreadedHttp() => Setup(nameof(ThreadedHttp), new ThreadedHttpCandidate(queueFull: false));

    [GlobalSetup(Target = nameof(ThreadedHttpCoarse))]
    public void SetupThreadedHttpCoarse() => Setup(nameof(ThreadedHttpCoarse), new ThreadedHttpCandidate(queueFull: false, coarseTimestamps: true));

    [GlobalSetup(Target = nameof(ThreadedHttpQueueFull))]
    public void SetupThreadedHttpQueueFull() => Setup(nameof(ThreadedHttpQueueFull), new ThreadedHttpCandidate(queueFull: true));

    [GlobalSetup(Target = nameof(SerilogAsync))]
    public void SetupSerilog() => Setup(nameof(SerilogAsync), new SerilogCandidate());

    [GlobalSetup(Target = nameof(NLogAsync))]
    public void SetupNLog() => Setup(nameof(NLogAsync), new NLogCandidate());

    [GlobalSetup(Target = nameof(OpenTelemetryBatch))]
    public void SetupOpenTelemetry() => Setup(nameof(OpenTelemetryBatch), new OpenTelemetryCandidate());

    [IterationCleanup]
    public void Drain() => _candidate.Drain();

    [GlobalCleanup]
    public void Cleanup()
    {
        _candidate.Drain();
        var (delivered, dropped) = _candidate.Audit(_calls);
        _candidate.Dispose();
        Sidecar.Write(Sidecar.Key(_name, Threads), new SidecarResult(_calls, _callerBytes, delivered, dropped, _calls - _warmupCalls));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "NullLogger (baseline)")]
    public void NullLogger() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "NullLogger + a clock read (reference)")]
    public void NullLoggerPlusClock() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "ThreadedHttpHandler (JsonBatch, loopback)")]
    public void ThreadedHttp() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "ThreadedHttpHandler, CoarseTimestamps")]
    public void ThreadedHttpCoarse() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "ThreadedHttpHandler, queue full (drop path)")]
    public void ThreadedHttpQueueFull() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "Serilog + Sinks.Async (peer)")]
    public void SerilogAsync() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "NLog + AsyncTargetWrapper")]
    public void NLogAsync() => Run();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "OpenTelemetry + batch processor")]
    public void OpenTelemetryBatch() => Run();

    private void Setup(string name, Candidate candidate)
    {
        _name = name;
        _candidate = candidate;
        _logger = candidate.Logger;

        // Warm up outside the measurement until the JIT has compiled everything the path and its worker run.
        WarmUp.UntilJitQuiet(Run, candidate.Drain);

        // The bytes per call are the measured calls' only; the warm-up's calls still count for the drop audit.
        _warmupCalls = _calls;
        _callerBytes = 0;
    }

    private void Run()
    {
        if (Threads == 1)
        {
            Calls(BenchConfig.CallsPerInvoke);
        }
        else
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ => Calls(BenchConfig.CallsPerInvoke / Threads));
        }
    }

    private void Calls(int count)
    {
        var logger = _logger;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
        }

        Interlocked.Add(ref _callerBytes, GC.GetAllocatedBytesForCurrentThread() - before);
        Interlocked.Add(ref _calls, count);
    }
}
