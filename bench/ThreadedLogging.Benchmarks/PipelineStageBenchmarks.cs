using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// Where the time and the bytes of <see cref="ThreadedLogger"/>'s log call go: the same call as
/// <see cref="LogCallBenchmarks"/>, one thread, cut into stages. The handler ships to a sink that
/// discards, so its worker costs next to nothing and never holds many events.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StageConfig))]
public class PipelineStageBenchmarks
{
    private readonly LogEvent _event = LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "Payroll", "Paid alice 1200");
    private ThreadedHandler? _handler;
    private ILoggerFactory? _factory;
    private ILogger _logger = NullLogger.Instance;
    private string _name = string.Empty;
    private long _calls;
    private long _callerBytes;
    private long _warmupCalls;

    [GlobalSetup(Target = nameof(CallSite))]
    public void SetupCallSite() => Setup(nameof(CallSite), _ => NullLogger.Instance);

    [GlobalSetup(Target = nameof(LevelCheck))]
    public void SetupLevelCheck() => Setup(nameof(LevelCheck), h => new StageProbeLogger(h, Stage.LevelCheck));

    [GlobalSetup(Target = nameof(Capture))]
    public void SetupCapture() => Setup(nameof(Capture), h => new StageProbeLogger(h, Stage.Capture));

    [GlobalSetup(Target = nameof(CaptureClockScopes))]
    public void SetupCaptureClockScopes() => Setup(nameof(CaptureClockScopes), h => new StageProbeLogger(h, Stage.CaptureClockScopes));

    [GlobalSetup(Target = nameof(CaptureEnqueue))]
    public void SetupCaptureEnqueue() => Setup(nameof(CaptureEnqueue), h => new StageProbeLogger(h, Stage.CaptureEnqueue));

    [GlobalSetup(Target = nameof(ThreadedLoggerDirect))]
    public void SetupDirect() => Setup(nameof(ThreadedLoggerDirect), h => h.CreateLogger("Payroll"));

    [GlobalSetup(Target = nameof(ThreadedLoggerViaFactory))]
    public void SetupViaFactory() => Setup(nameof(ThreadedLoggerViaFactory), h =>
    {
        _factory = LoggerFactory.Create(b => b.AddProvider(h));
        return _factory.CreateLogger("Payroll");
    });

    [GlobalSetup(Target = nameof(EnqueueOnly))]
    public void SetupEnqueueOnly() => Setup(nameof(EnqueueOnly), _ => NullLogger.Instance);

    [GlobalSetup(Target = nameof(ClockOnly))]
    public void SetupClockOnly() => Setup(nameof(ClockOnly), _ => NullLogger.Instance);

    [IterationCleanup]
    public void Drain() => _handler?.Flush(TimeSpan.FromMinutes(1));

    [GlobalCleanup]
    public void Cleanup()
    {
        Drain();
        var stats = _handler!.Statistics;
        _factory?.Dispose();
        _handler.Dispose();
        Sidecar.Write(Sidecar.Key(_name, 1), new SidecarResult(_calls, _callerBytes, stats.Sent, stats.Dropped, _calls - _warmupCalls));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "call site only (NullLogger)")]
    public void CallSite() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "+ level check")]
    public void LevelCheck() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "+ encode into a record (RecordWriter)")]
    public void Capture() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "+ clock, scopes")]
    public void CaptureClockScopes() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "+ add the record (EventQueue.Log)")]
    public void CaptureEnqueue() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "ThreadedLogger (handler.CreateLogger)")]
    public void ThreadedLoggerDirect() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "ThreadedLogger via LoggerFactory")]
    public void ThreadedLoggerViaFactory() => Calls();

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "Enqueue alone (a captured event, as an object record)")]
    public void EnqueueOnly()
    {
        var handler = _handler!;
        var logEvent = _event;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < BenchConfig.CallsPerInvoke; i++)
        {
            handler.Queue.Enqueue(logEvent);
        }

        _callerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        _calls += BenchConfig.CallsPerInvoke;
    }

    [Benchmark(OperationsPerInvoke = BenchConfig.CallsPerInvoke, Description = "TimeProvider.System.GetUtcNow alone")]
    public long ClockOnly()
    {
        var time = _handler!.Time;
        long sum = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < BenchConfig.CallsPerInvoke; i++)
        {
            sum += time.GetUtcNow().UtcTicks;
        }

        _callerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        _calls += BenchConfig.CallsPerInvoke;
        return sum;
    }

    private void Setup(string name, Func<ThreadedHandler, ILogger> logger)
    {
        _name = name;
        _handler = new ThreadedHandler(new DiscardSink(), new ThreadedHandlerOptions { QueueCapacity = 1_000_000, MaxQueueBytes = 1L << 31 });
        _logger = logger(_handler);
        // Warm up the benchmark's own body (so that its counters only ever see its own work) until the JIT is quiet.
        WarmUp.UntilJitQuiet(
            () =>
            {
                switch (name)
                {
                    case nameof(EnqueueOnly):
                        EnqueueOnly();
                        break;
                    case nameof(ClockOnly):
                        ClockOnly();
                        break;
                    default:
                        Calls();
                        break;
                }
            },
            Drain);

        // The bytes per call are the measured calls' only; the warm-up's calls still count for the drop audit.
        _warmupCalls = _calls;
        _callerBytes = 0;
    }

    private void Calls()
    {
        var logger = _logger;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < BenchConfig.CallsPerInvoke; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 1200m);
        }

        _callerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        _calls += BenchConfig.CallsPerInvoke;
    }
}
