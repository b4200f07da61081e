using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>A <see cref="ThreadedHandler"/> whose sink discards, through a <see cref="LoggerFactory"/> (or one stage of its call): the pipeline without HTTP, JSON or gzip.</summary>
internal sealed class DiscardCandidate : Candidate
{
    private readonly DiscardSink _sink = new();
    private readonly ThreadedHandler _handler;
    private readonly ILoggerFactory _factory;

    /// <param name="stage">One stage of the call only (<see cref="StageProbeLogger"/>), or the whole call.</param>
    /// <param name="direct">The handler's own logger, not through <see cref="LoggerFactory"/>: the call without MEL's wrapper.</param>
    public DiscardCandidate(Stage? stage = null, bool direct = false)
    {
        _handler = new ThreadedHandler(_sink, new ThreadedHandlerOptions { QueueCapacity = 1_000_000, MaxQueueBytes = 1L << 31 });
        _factory = LoggerFactory.Create(b => b.AddProvider(_handler));
        Logger = stage is { } probe ? new StageProbeLogger(_handler, probe) : direct ? _handler.CreateLogger("Payroll") : _factory.CreateLogger("Payroll");
    }

    public override ILogger Logger { get; }

    public override void Drain() => _handler.Flush(TimeSpan.FromMinutes(2));

    public override (long Delivered, long Dropped) Audit(long calls) => (_sink.Events, _handler.Statistics.Dropped);

    public override void Dispose()
    {
        _factory.Dispose();
        _handler.Dispose();
    }
}
