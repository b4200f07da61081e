using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Delivery.Benchmarks;

/// <summary>
/// The caller's cost of one structured log call (<c>LogInformation("Order {N} shipped to {Customer}", n, "customer-42")</c>)
/// into a <see cref="ThreadedHttpHandler"/> (JsonBatch) pointed at the real collector process, with the
/// durable spool off and on (issue 4). The spool is written by the worker, so the caller's time and
/// allocations should not move; what can move them is the worker competing for the same two cores.
/// Each invocation is a burst of <see cref="CallsPerInvoke"/> calls while the worker ships; between
/// iterations (untimed) <c>Flush</c> delivers everything, so the queue never fills and nothing drops.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CallCostConfig))]
public class CallCostBenchmarks
{
    public const int CallsPerInvoke = 50_000;

    private CollectorProcess? _collector;
    private ThreadedHttpHandler? _handler;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private string? _spoolDirectory;
    private long _calls;
    private long _callerBytes;
    private long _callerCpuNanoseconds;
    private int _n;

    [Params(false, true)]
    public bool Spool { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _collector = CollectorProcess.StartAsync().GetAwaiter().GetResult();
        _spoolDirectory = Spool ? Path.Combine(Path.GetTempPath(), "tl-delivery-bdn-spool-" + Guid.NewGuid().ToString("N")) : null;
        _handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = _collector.Host,
            Format = HttpLogFormat.JsonBatch,
            User = "bdn-" + (Spool ? "on" : "off"),
            App = "DeliveryBench",
            QueueCapacity = 4 * CallsPerInvoke, // a burst never fills it: the drop path is not what is measured
            MaxQueueBytes = 1L << 30,
            BufferDirectory = _spoolDirectory,
        });
        _logger = _handler.CreateLogger("DeliveryBench.Orders");

        // Warm the path (and the collector) outside the measurement.
        Burst();
        Drain();
        _calls = _callerBytes = _callerCpuNanoseconds = 0;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvoke, Description = "LogInformation, 2 properties")]
    public void LogCall() => Burst();

    [IterationCleanup]
    public void Drain()
    {
        if (_handler is not null && !_handler.Flush(TimeSpan.FromMinutes(2)))
        {
            throw new InvalidOperationException("Flush timed out: the collector is not keeping up.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Drain();
        var statistics = _handler!.Statistics;
        _handler.Dispose();
        CallerAllocSidecar.Write(Spool, new CallerAllocResult(_calls, _callerBytes, _callerCpuNanoseconds, statistics.Sent, statistics.Dropped));
        _collector!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_spoolDirectory is not null && Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    private void Burst()
    {
        // Bytes allocated by this (the calling) thread only: the MemoryDiagnoser counts every thread, the worker's too.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = ThreadCpuTime.Nanoseconds();
        var logger = _logger;
        for (var i = 0; i < CallsPerInvoke; i++)
        {
            logger.LogInformation("Order {N} shipped to {Customer}", _n++, "customer-42");
        }

        _callerCpuNanoseconds += ThreadCpuTime.Nanoseconds() - cpuBefore;
        _callerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        _calls += CallsPerInvoke;
    }
}
