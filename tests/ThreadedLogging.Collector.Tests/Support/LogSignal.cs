using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>A logger provider that hands over each line of one category as it is logged: a test waits on what the collector says it did, not on time.</summary>
internal sealed class LogSignal(string category) : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    /// <summary>The next line the category logged (kept in order until taken).</summary>
    public Task<string> NextAsync() => _lines.Reader.ReadAsync().AsTask();

    public ILogger CreateLogger(string categoryName) => categoryName == category ? new Logger(_lines.Writer) : NullLogger.Instance;

    public void Dispose() => _lines.Writer.TryComplete();

    private sealed class Logger(ChannelWriter<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.TryWrite(formatter(state, exception));
    }
}
