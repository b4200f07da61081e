using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>Which part of <see cref="ThreadedLogger.Log"/> a <see cref="StageProbeLogger"/> runs.</summary>
public enum Stage
{
    /// <summary>Only the handler's level check.</summary>
    LevelCheck,

    /// <summary><c>EventCapture.Capture</c> with a fixed timestamp and no scope provider.</summary>
    Capture,

    /// <summary>Capture with the handler's clock and scope provider (as the logger does), not enqueued.</summary>
    CaptureClockScopes,

    /// <summary>Everything the logger does: capture, clock, scopes, <c>EventQueue.Enqueue</c>.</summary>
    CaptureEnqueue,
}

/// <summary>
/// An <see cref="ILogger"/> that runs one stage of <see cref="ThreadedLogger"/>'s log call, on the real
/// <c>FormattedLogValues</c> state of the call site, to see where the time and the bytes go.
/// </summary>
internal sealed class StageProbeLogger(ThreadedHandler handler, Stage stage) : ILogger
{
    private static readonly DateTimeOffset Fixed = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public LogEvent? Last { get; private set; }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => handler.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!handler.IsEnabled(logLevel))
        {
            return;
        }

        switch (stage)
        {
            case Stage.Capture:
                // Into one reused event, as a pooled handler's calls do.
                Last = EventCapture.Capture(Last ?? new LogEvent(), CallerThread.Current, "Payroll", logLevel, eventId, state, exception, formatter, null, Fixed);
                break;
            case Stage.CaptureClockScopes:
                Last = EventCapture.Capture(Last ?? new LogEvent(), CallerThread.Current, "Payroll", logLevel, eventId, state, exception, formatter, handler.CapturedScopes, handler.Time.GetUtcNow());
                break;
            case Stage.CaptureEnqueue:
                var caller = CallerThread.Current;
                handler.Queue.Enqueue(EventCapture.Capture(
                    handler.PoolsEvents ? LogEventPool.Rent(caller) : new LogEvent(),
                    caller,
                    "Payroll", logLevel, eventId, state, exception, formatter, handler.CapturedScopes, handler.Time.GetUtcNow()));
                break;
            default:
                break;
        }
    }
}
