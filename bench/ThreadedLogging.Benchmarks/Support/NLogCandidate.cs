using Microsoft.Extensions.Logging;
using NLog;
using NLog.Config;
using NLog.Extensions.Logging;
using NLog.Targets;
using NLog.Targets.Wrappers;

namespace ThreadedLogging.Benchmarks;

/// <summary>NLog through NLog.Extensions.Logging, with an AsyncTargetWrapper around a target that discards.</summary>
internal sealed class NLogCandidate : Candidate
{
    private readonly LogFactory _logFactory = new();
    private readonly CountingTarget _target = new();
    private readonly ILoggerFactory _factory;
    private long _dropped;

    public NLogCandidate()
    {
        var wrapper = new AsyncTargetWrapper("async", _target)
        {
            QueueLimit = 1_000_000,
            OverflowAction = AsyncTargetWrapperOverflowAction.Discard,
        };
        wrapper.LogEventDropped += (_, _) => Interlocked.Increment(ref _dropped);
        var config = new LoggingConfiguration(_logFactory);
        config.AddRule(NLog.LogLevel.Info, NLog.LogLevel.Fatal, wrapper);
        _logFactory.Configuration = config;
        var provider = new NLogLoggerProvider(new NLogProviderOptions(), _logFactory);
        _factory = LoggerFactory.Create(b => b.AddProvider(provider));
        Logger = _factory.CreateLogger("Payroll");
    }

    public override Microsoft.Extensions.Logging.ILogger Logger { get; }

    public override void Drain() => _logFactory.Flush(TimeSpan.FromMinutes(2));

    public override (long Delivered, long Dropped) Audit(long calls)
    {
        var dropped = Interlocked.Read(ref _dropped);
        Console.WriteLine($"// NLog AsyncTargetWrapper: calls {calls}, written {_target.Count}, dropped {dropped}");
        return (_target.Count, dropped);
    }

    public override void Dispose()
    {
        _factory.Dispose();
        _logFactory.Dispose();
    }

    private sealed class CountingTarget : Target
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        protected override void Write(LogEventInfo logEvent) => Interlocked.Increment(ref _count);
    }
}
