using System.Collections;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Replays events into another <see cref="ILoggerProvider"/> on the worker: the seed's
/// <c>ThreadedHandler(handler)</c>, so a slow console or file provider never holds the caller.
/// </summary>
internal sealed class LoggerProviderSink(ILoggerProvider inner) : ILogBatchSink, IDisposable
{
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        var events = batch.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var logEvent = events[i];
            try
            {
                if (!_loggers.TryGetValue(logEvent.Category, out var logger))
                {
                    logger = inner.CreateLogger(logEvent.Category);
                    _loggers[logEvent.Category] = logger;
                }

                logger.Log(logEvent.Level, logEvent.EventId, new ReplayedState(logEvent), logEvent.Exception, ReplayedState.Format);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Events before i went through; the rest is retried later, in order.
                return ValueTask.FromResult(new SendResult(SendOutcome.Transient, i, Error: $"{e.GetType().Name}: {e.Message}"));
            }
        }

        return ValueTask.FromResult(SendResult.Success);
    }

    public void Dispose() => inner.Dispose();

    /// <summary>The state handed to the wrapped provider: the captured properties plus <c>{OriginalFormat}</c>.</summary>
    private sealed class ReplayedState(LogEvent logEvent) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public static readonly Func<ReplayedState, Exception?, string> Format = static (state, _) => state.ToString();

        private int Extra => logEvent.Template is null ? 0 : 1;

        public int Count => logEvent.Properties.Count + Extra;

        public KeyValuePair<string, object?> this[int index] =>
            index < logEvent.Properties.Count ? logEvent.Properties[index] : new("{OriginalFormat}", logEvent.Template);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => logEvent.Message;
    }
}
