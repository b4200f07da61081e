using Microsoft.Extensions.Logging;

namespace ThreadedLogging.PeerBench;

/// <summary>The MEL no-op floor: enabled for every level, does nothing.</summary>
internal sealed class NoOpLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => NoOpLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class NoOpLogger : ILogger
    {
        public static readonly NoOpLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
