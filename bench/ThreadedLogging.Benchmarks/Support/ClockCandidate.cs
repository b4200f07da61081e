using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// The NullLogger floor plus the one thing every timestamping logger does on the caller's thread: read the
/// wall clock (<see cref="TimeProvider.System"/>, as ThreadedHttpHandler, OpenTelemetry and Serilog do). On a
/// virtual machine whose clock is slow to read this alone can be several times the floor; it puts that cost
/// in the same run as the ratios.
/// </summary>
internal sealed class ClockCandidate : Candidate
{
    public override ILogger Logger { get; } = new ClockReadingLogger();

    public override (long Delivered, long Dropped) Audit(long calls) => (0, 0);

    public override void Dispose()
    {
    }

    private sealed class ClockReadingLogger : ILogger
    {
        private long _last;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _last = TimeProvider.System.GetUtcNow().UtcTicks;
    }
}
