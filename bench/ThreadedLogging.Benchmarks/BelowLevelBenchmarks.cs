using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// Issue 13's benchmark: what a call below the effective level costs the caller — the common case, Debug calls with
/// the level at Information — through the same MEL call site, <c>LogDebug("Paid {Employee} {Amount}", "alice", 1200m)</c>:
/// NullLogger; <see cref="ThreadedHttpHandler"/> registered by <c>AddThreadedHttp</c> in a real <see cref="LoggerFactory"/>
/// whose filter says Information (the provider receives every level; its own effective level, one volatile read,
/// refuses Debug); Serilog through Serilog.Extensions.Logging with a <see cref="LoggingLevelSwitch"/> at Information
/// (MEL's minimum at Trace, so that the switch decides, as Serilog users configure it). Target: ≤ 1.2× NullLogger.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class BelowLevelBenchmarks
{
    private readonly Microsoft.Extensions.Logging.ILogger _null = NullLogger.Instance;
    private ILoggerFactory _threadedFactory = null!;
    private ILoggerFactory _serilogFactory = null!;
    private Microsoft.Extensions.Logging.ILogger _threaded = null!;
    private Microsoft.Extensions.Logging.ILogger _serilog = null!;

    [GlobalSetup]
    public void Setup()
    {
        _threadedFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddThreadedHttp(o =>
            {
                o.Host = "127.0.0.1:9"; // nothing is shipped: every call is below the level
                o.Format = HttpLogFormat.JsonBatch;
                o.LevelPollInterval = TimeSpan.Zero;
            }));
        _threaded = _threadedFactory.CreateLogger("Payroll");

        var serilog = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(new LoggingLevelSwitch(LogEventLevel.Information))
            .CreateLogger();
        _serilogFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddSerilog(serilog, dispose: true));
        _serilog = _serilogFactory.CreateLogger("Payroll");
        if (_threaded.IsEnabled(LogLevel.Debug) || _serilog.IsEnabled(LogLevel.Debug) || !_threaded.IsEnabled(LogLevel.Information) || !_serilog.IsEnabled(LogLevel.Information))
        {
            throw new InvalidOperationException("The candidates must refuse Debug and take Information.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _threadedFactory.Dispose();
        _serilogFactory.Dispose();
    }

    [Benchmark(Baseline = true, Description = "NullLogger, LogDebug")]
    public void NullLoggerDebug() => _null.LogDebug("Paid {Employee} {Amount}", "alice", 1200m);

    [Benchmark(Description = "ThreadedHttpHandler (AddThreadedHttp, level Information), LogDebug")]
    public void ThreadedHttpDebug() => _threaded.LogDebug("Paid {Employee} {Amount}", "alice", 1200m);

    [Benchmark(Description = "Serilog (LoggingLevelSwitch Information), LogDebug")]
    public void SerilogDebug() => _serilog.LogDebug("Paid {Employee} {Amount}", "alice", 1200m);
}
