using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>Which part of <see cref="ThreadedLogger.Log"/> a <see cref="StageProbeLogger"/> runs.</summary>
public enum Stage
{
    /// <summary>Only the handler's level check.</summary>
    LevelCheck,

    /// <summary><c>RecordWriter.TryEncode</c> (the call into a record) with a fixed timestamp and no scope provider.</summary>
    Capture,

    /// <summary>Encoding with the handler's clock and scope provider (as the logger does), not enqueued.</summary>
    CaptureClockScopes,

    /// <summary>Everything the logger does: clock, scopes, encoding, adding the record (<c>EventQueue.Log</c>).</summary>
    CaptureEnqueue,
}

/// <summary>
/// An <see cref="ILogger"/> that runs one stage of <see cref="ThreadedLogger"/>'s log call, on the real
/// <c>FormattedLogValues</c> state of the call site, to see where the time and the bytes go.
/// </summary>
internal sealed class StageProbeLogger(ThreadedHandler handler, Stage stage) : ILogger
{
    private static readonly DateTimeOffset Fixed = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // As ThreadedLogger does: the handler's effective level for the category, read once (no rules arrive here).
    private readonly int _minLevel = (int)handler.EffectiveLevel("Payroll");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (int)logLevel >= _minLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        switch (stage)
        {
            case Stage.Capture:
                var caller = CallerThread.Current;
                caller.Writer.TryEncode(caller, "Payroll", logLevel, eventId, in state, exception, formatter, null, Fixed, int.MaxValue);
                break;
            case Stage.CaptureClockScopes:
                var thread = CallerThread.Current;
                thread.Writer.TryEncode(thread, "Payroll", logLevel, eventId, in state, exception, formatter, handler.CapturedScopes, handler.Time.GetUtcNow(), int.MaxValue);
                break;
            case Stage.CaptureEnqueue:
                handler.Queue.Log("Payroll", logLevel, eventId, in state, exception, formatter, handler.CapturedScopes, handler.Time.GetUtcNow());
                break;
            default:
                break;
        }
    }
}
