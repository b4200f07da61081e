using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// One log call, captured on the caller's thread with immutable values, and shipped later by the
/// background worker. Everything that costs time (rendering, redaction, serialization) happens on
/// the worker.
/// </summary>
public sealed class LogEvent
{
    private string? _message;

    internal LogEvent(
        DateTimeOffset timestamp,
        LogLevel level,
        string category,
        EventId eventId,
        string? template,
        string? message,
        KeyValuePair<string, object?>[] properties,
        Exception? exception,
        object?[]? scopes)
    {
        Timestamp = timestamp;
        Level = level;
        Category = category;
        EventId = eventId;
        Template = template;
        _message = message;
        PropertyArray = properties;
        Exception = exception;
        ScopeArray = scopes;
    }

    /// <summary>Gets the UTC time of the log call.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the level of the event.</summary>
    public LogLevel Level { get; }

    /// <summary>Gets the logger category (the Python logger's <c>name</c>).</summary>
    public string Category { get; }

    /// <summary>Gets the event id given to the log call.</summary>
    public EventId EventId { get; }

    /// <summary>Gets the message template (<c>{OriginalFormat}</c>), when the state carried one.</summary>
    public string? Template { get; }

    /// <summary>Gets the rendered message. Rendered on first access (on the worker), from the template and properties.</summary>
    public string Message => _message ??= MessageTemplate.Render(Template, PropertyArray);

    /// <summary>Gets the structured properties of the event, captured as immutable values.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties => PropertyArray;

    /// <summary>Gets the exception passed to the log call, if any.</summary>
    public Exception? Exception { get; }

    /// <summary>Gets the scope values active at the log call (strings or property lists), if any.</summary>
    public IReadOnlyList<object?> Scopes => ScopeArray ?? [];

    /// <summary>Gets the W3C trace id of <see cref="Activity.Current"/> at the log call, or default.</summary>
    public ActivityTraceId TraceId { get; init; }

    /// <summary>Gets the W3C span id of <see cref="Activity.Current"/> at the log call, or default.</summary>
    public ActivitySpanId SpanId { get; init; }

    /// <summary>Gets the managed id of the thread that logged.</summary>
    public int ThreadId { get; init; }

    /// <summary>Gets the name of the thread that logged, if it had one.</summary>
    public string? ThreadName { get; init; }

    /// <summary>Gets the per-handler sequence number, assigned by the worker in delivery order.</summary>
    public long Sequence { get; internal set; }

    internal KeyValuePair<string, object?>[] PropertyArray { get; private set; }

    internal object?[]? ScopeArray { get; }

    /// <summary>Approximate memory held by this event, charged against the queue's byte budget.</summary>
    internal int EstimatedBytes { get; init; }

    /// <summary>
    /// Whether the event is not one this handler enqueued in this run: its own drop notice, or an event
    /// adopted from a dead process's spool. Such events are shipped but not counted, so Flush never waits for them.
    /// </summary>
    internal bool IsExtra { get; set; }

    /// <summary>Replaces property values (redaction). Called on the worker before the message is rendered.</summary>
    internal void ReplaceProperties(KeyValuePair<string, object?>[] properties)
    {
        PropertyArray = properties;
    }

    /// <summary>Creates an event on the worker (the handler's own notices, such as the drop report).</summary>
    internal static LogEvent Create(DateTimeOffset timestamp, LogLevel level, string category, string message, params KeyValuePair<string, object?>[] properties) =>
        new(timestamp, level, category, default, null, message, properties, null, null)
        {
            ThreadId = Environment.CurrentManagedThreadId,
            EstimatedBytes = 256,
        };
}
