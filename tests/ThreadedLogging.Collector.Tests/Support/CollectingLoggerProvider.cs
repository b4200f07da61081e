using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>Keeps what the collector logs at Warning and above, or from a lower level (added to a running collector's logger factory).</summary>
internal sealed class CollectingLoggerProvider(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    /// <param name="collector">The running collector.</param>
    /// <param name="minimum">The lowest level kept (the collector's own filter, <c>Logging:LogLevel</c>, applies first).</param>
    public static CollectingLoggerProvider AttachTo(CollectorFixture collector, LogLevel minimum = LogLevel.Warning)
    {
        var provider = new CollectingLoggerProvider(minimum);
        collector.Services.GetRequiredService<ILoggerFactory>().AddProvider(provider);
        return provider;
    }

    private LogLevel Minimum => minimum;

    /// <summary>Every entry on a line of its own (level, category, message), each exception after it in full: for a failed assertion's message.</summary>
    public string Text() =>
        string.Join(Environment.NewLine, Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}{(e.Exception is null ? string.Empty : Environment.NewLine + e.Exception)}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
