using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging;

/// <summary>
/// Replays events into another <see cref="ILoggerProvider"/> on the worker: the seed's
/// <c>ThreadedHandler(handler)</c>, so a slow console or file provider never holds the caller.
/// </summary>
internal sealed class LoggerProviderSink : ILogBatchSink, IDisposable
{
    private readonly ILoggerProvider _inner;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);
    private readonly ReplayedScopes? _scopes;

    /// <param name="inner">The wrapped provider; one that reads scopes (<see cref="ISupportExternalScope"/>) is given each event's own.</param>
    public LoggerProviderSink(ILoggerProvider inner)
    {
        _inner = inner;
        if (inner is ISupportExternalScope external)
        {
            _scopes = new ReplayedScopes();
            external.SetScopeProvider(_scopes);
        }
    }

    public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(Replay(batch.Events));
        }
        finally
        {
            _scopes?.Replay(null);
        }
    }

    public void Dispose() => _inner.Dispose();

    private SendResult Replay(IReadOnlyList<LogEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var logEvent = events[i];
            try
            {
                if (!_loggers.TryGetValue(logEvent.Category, out var logger))
                {
                    logger = _inner.CreateLogger(logEvent.Category);
                    _loggers[logEvent.Category] = logger;
                }

                if (logger is IBufferedLogger buffered && (_scopes is null || logEvent.ScopeArray is not { Length: > 0 }))
                {
                    // A provider that takes held records (MEL's console, .NET 9+) writes each with its own time, not the replay's.
                    // Not an event with scopes for a provider that reads them: LogRecords passes no scopes (the console's writes none).
                    buffered.LogRecords([new ReplayedRecord(logEvent)]);
                    continue;
                }

                _scopes?.Replay(logEvent.ScopeArray);
                logger.Log(logEvent.Level, logEvent.EventId, new ReplayedState(logEvent), logEvent.Exception, ReplayedState.Format);
            }
            catch (Exception e) when (i > 0 && e is not OutOfMemoryException)
            {
                // Events before i went through; the rest is retried later, in order, starting with the one that threw: then
                // its exception reaches the pipeline, which retries a failed disk or network and isolates an event the
                // wrapped provider always throws on (SinkFailure). This throw counts as the first of those (ThrewOnContent):
                // it was not counted, and the event was sent 4 times before the split where a batch it heads is sent 3.
                var transient = SinkFailure.IsTransient(e);
                return new SendResult(SendOutcome.Transient, i, Error: $"{(transient ? null : "the sink threw ")}{e.GetType().Name}: {e.Message}") { ThrewOnContent = !transient };
            }
        }

        return SendResult.Success;
    }

    /// <summary>The state handed to the wrapped provider: the captured properties plus <c>{OriginalFormat}</c>.</summary>
    private sealed class ReplayedState(LogEvent logEvent) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public static readonly Func<ReplayedState, Exception?, string> Format = static (state, _) => state.ToString();

        private int Extra => logEvent.Template is null ? 0 : 1;

        public int Count => logEvent.Properties.Count + Extra;

        public KeyValuePair<string, object?> this[int index] =>
            index < logEvent.Properties.Count ? Replayed(logEvent.Properties[index]) : new("{OriginalFormat}", logEvent.Template);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => logEvent.Message;

        /// <summary>Logged bytes are handed on as a byte array, as the app logged them (a provider has its own way to write them).</summary>
        private static KeyValuePair<string, object?> Replayed(KeyValuePair<string, object?> property) =>
            property.Value is LoggedBytes bytes ? new(property.Key, bytes.Replayed()) : property;
    }

    /// <summary>An event as a held record (<see cref="IBufferedLogger"/>): its own time, level, event id, message, template, attributes, exception, thread and trace.</summary>
    private sealed class ReplayedRecord(LogEvent logEvent) : BufferedLogRecord
    {
        public override DateTimeOffset Timestamp => logEvent.Timestamp;

        public override LogLevel LogLevel => logEvent.Level;

        public override EventId EventId => logEvent.EventId;

        public override string? Exception => logEvent.Exception?.ToString();

        public override ActivitySpanId? ActivitySpanId => logEvent.SpanId == default ? null : logEvent.SpanId;

        public override ActivityTraceId? ActivityTraceId => logEvent.TraceId == default ? null : logEvent.TraceId;

        public override int? ManagedThreadId => logEvent.ThreadId == 0 ? null : logEvent.ThreadId;

        public override string? FormattedMessage => logEvent.Message;

        public override string? MessageTemplate => logEvent.Template;

        public override IReadOnlyList<KeyValuePair<string, object?>> Attributes => new ReplayedState(logEvent);
    }

    /// <summary>
    /// The scopes of the event being replayed, for a wrapped provider that reads them: text as it was, properties as
    /// a list whose text is the scope's (a template scope's rendered template).
    /// </summary>
    private sealed class ReplayedScopes : IExternalScopeProvider
    {
        private object?[]? _current;

        public void Replay(object?[]? scopes) => _current = scopes;

        public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
        {
            foreach (var scope in _current ?? [])
            {
                callback(scope is KeyValuePair<string, object?>[] pairs ? new ReplayedScope(pairs) : scope, state);
            }
        }

        /// <summary>The app's scopes come with each event; a wrapped provider's own <c>BeginScope</c> has nothing to add.</summary>
        public IDisposable Push(object? state) => NoScope.Instance;
    }

    private sealed class ReplayedScope(KeyValuePair<string, object?>[] pairs) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => pairs.Length;

        public KeyValuePair<string, object?> this[int index] => pairs[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)pairs).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => pairs.GetEnumerator();

        public override string ToString() =>
            Array.Find(pairs, p => p.Key == "{OriginalFormat}").Value is string template
                ? MessageTemplate.Render(template, pairs)
                : string.Join(", ", pairs.Select(p => $"{p.Key}:{p.Value}"));
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}
