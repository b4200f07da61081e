using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>The <see cref="ILogger"/> of one category: captures the call and hands it to the handler's queue.</summary>
internal sealed class ThreadedLogger(ThreadedHandler handler, string category) : ILogger
{
    private readonly EventQueue _queue = handler.Queue;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => handler.ScopeProvider?.Push(state);

    public bool IsEnabled(LogLevel logLevel) => handler.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!handler.IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            if (_queue.TryDropEarly())
            {
                return; // a full queue makes the call cheaper, not as dear as a kept event
            }

            var caller = CallerThread.Current;
            var logEvent = EventCapture.Capture(
                handler.PoolsEvents ? LogEventPool.Rent(caller) : new LogEvent(),
                caller,
                category, logLevel, eventId, state, exception, formatter, handler.CapturedScopes, handler.Time.GetUtcNow());
            _queue.Enqueue(logEvent);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The log call never throws into the app (a faulty formatter, say); report it instead.
            handler.ReportInternalError(e);
        }
    }
}
