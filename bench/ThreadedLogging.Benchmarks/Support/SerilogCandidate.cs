using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Sinks.Async;
using ILogger = Microsoft.Extensions.Logging.ILogger;
using SerilogEvent = Serilog.Events.LogEvent;

namespace ThreadedLogging.Benchmarks;

/// <summary>The peer: Serilog with Serilog.Sinks.Async around a sink that discards, through Serilog.Extensions.Logging.</summary>
internal sealed class SerilogCandidate : Candidate, IAsyncLogEventSinkMonitor
{
    private readonly CountingSink _sink = new();
    private readonly ILoggerFactory _factory;
    private IAsyncLogEventSinkInspector? _inspector;

    public SerilogCandidate()
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Async(a => a.Sink(_sink), bufferSize: 1_000_000, blockWhenFull: false, monitor: this)
            .CreateLogger();
        _factory = LoggerFactory.Create(b => b.AddSerilog(serilog, dispose: true));
        Logger = _factory.CreateLogger("Payroll");
    }

    public override ILogger Logger { get; }

    public override void Drain()
    {
        var deadline = Environment.TickCount64 + 120_000;
        while (_inspector is { Count: > 0 } && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(1);
        }
    }

    public override (long Delivered, long Dropped) Audit(long calls)
    {
        var dropped = _inspector?.DroppedMessagesCount ?? 0;
        Console.WriteLine($"// Serilog.Sinks.Async: calls {calls}, emitted {_sink.Count}, dropped {dropped}, buffer {_inspector?.BufferSize}");
        return (_sink.Count, dropped);
    }

    public override void Dispose() => _factory.Dispose();

    void IAsyncLogEventSinkMonitor.StartMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = inspector;

    void IAsyncLogEventSinkMonitor.StopMonitoring(IAsyncLogEventSinkInspector inspector)
    {
    }

    private sealed class CountingSink : ILogEventSink
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Emit(SerilogEvent logEvent) => Interlocked.Increment(ref _count);
    }
}
