using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>A <see cref="ThreadedHandler"/> whose sink discards, through a <see cref="LoggerFactory"/> (or one stage of its call): the pipeline without HTTP, JSON or gzip.</summary>
internal sealed class DiscardCandidate : Candidate
{
    private readonly DiscardSink _sink = new();
    private readonly ThreadedHandler _handler;
    private readonly ILoggerFactory _factory;

    public DiscardCandidate(Stage? stage = null)
    {
        _handler = new ThreadedHandler(_sink, new ThreadedHandlerOptions { QueueCapacity = 1_000_000, MaxQueueBytes = 1L << 31 });
        _factory = LoggerFactory.Create(b => b.AddProvider(_handler));
        Logger = stage is { } probe ? new StageProbeLogger(_handler, probe) : _factory.CreateLogger("Payroll");
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
