using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// One log call, captured on the caller's thread with immutable values, and shipped later by the
/// background worker. Everything that costs time (rendering, redaction, serialization) happens on
/// the worker.
/// </summary>
/// <remarks>
/// While queued, a call is a compact binary record, not an object; the worker reads records back into events a
/// batch at a time. A handler whose sink copies what it needs during <see cref="ILogBatchSink.SendAsync"/> (the
/// HTTP and SQS sinks) reads them into the same <see cref="LogEvent"/> objects batch after batch. Sinks of your
/// own get fresh events that they may keep.
/// </remarks>
public sealed class LogEvent
{
    private static readonly KeyValuePair<string, object?>[] NoProperties = [];

    private string? _message;
    private KeyValuePair<string, object?>[] _properties = NoProperties;
    private int _propertyCount;
    private PropertyList? _propertyList;
    private InlineSlot[]? _inline;

    /// <summary>An empty event, filled by <see cref="EventCapture"/> from the pool.</summary>
    internal LogEvent()
    {
        Category = string.Empty;
    }

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
        ReplaceProperties(properties);
        Exception = exception;
        ScopeArray = scopes;
    }

    /// <summary>Gets the UTC time of the log call.</summary>
    public DateTimeOffset Timestamp { get; internal set; }

    /// <summary>Gets the level of the event.</summary>
    public LogLevel Level { get; internal set; }

    /// <summary>Gets the logger category (the Python logger's <c>name</c>).</summary>
    public string Category { get; internal set; }

    /// <summary>Gets the event id given to the log call.</summary>
    public EventId EventId { get; internal set; }

    /// <summary>Gets the message template (<c>{OriginalFormat}</c>), when the state carried one.</summary>
    public string? Template { get; internal set; }

    /// <summary>Gets the rendered message. Rendered on first access (on the worker), from the template and properties.</summary>
    /// <remarks>A pooled event renders on each access instead of keeping the text (see <see cref="InlineSlot"/>).</remarks>
    public string Message => _message ?? (IsPooled ? Render() : _message = Render());

    /// <summary>Gets the structured properties of the event, captured as immutable values.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties => _propertyList ??= new PropertyList(this);

    /// <summary>Gets the exception passed to the log call, if any.</summary>
    public Exception? Exception { get; internal set; }

    /// <summary>Gets the scope values active at the log call (strings or property lists), if any.</summary>
    public IReadOnlyList<object?> Scopes => ScopeArray ?? [];

    /// <summary>Gets the W3C trace id of <see cref="Activity.Current"/> at the log call, or default.</summary>
    public ActivityTraceId TraceId { get; internal set; }

    /// <summary>Gets the W3C span id of <see cref="Activity.Current"/> at the log call, or default.</summary>
    public ActivitySpanId SpanId { get; internal set; }

    /// <summary>Gets the managed id of the thread that logged.</summary>
    public int ThreadId { get; internal set; }

    /// <summary>Gets the name of the thread that logged, if it had one.</summary>
    public string? ThreadName { get; internal set; }

    /// <summary>Gets the per-handler sequence number, assigned by the worker in delivery order.</summary>
    public long Sequence { get; internal set; }

    /// <summary>The properties, without a copy: the first <see cref="PropertyCount"/> items of a buffer that may be longer.</summary>
    internal ReadOnlySpan<KeyValuePair<string, object?>> PropertySpan => _properties.AsSpan(0, _propertyCount);

    internal int PropertyCount => _propertyCount;

    internal object?[]? ScopeArray { get; set; }

    /// <summary>Approximate memory held by this event, charged against the queue's byte budget.</summary>
    internal int EstimatedBytes { get; set; }

    /// <summary>
    /// Whether the event is not one this handler enqueued in this run: its own drop notice, or an event
    /// adopted from a dead process's spool. Such events are shipped but not counted, so Flush never waits for them.
    /// </summary>
    internal bool IsExtra { get; set; }

    /// <summary>
    /// Whether the books counted this event as sent or dropped (<see cref="DeliveryLedger.Settle"/>): each event is
    /// settled once, even when a failure settles its whole batch after part of it was delivered.
    /// </summary>
    internal bool IsSettled { get; set; }

    /// <summary>Whether the worker reuses this event for later records (its value-type properties are kept inline, see <see cref="InlineSlot"/>).</summary>
    internal bool IsPooled { get; set; }

    /// <summary>The message when it is known without rendering: set at the call (no template) or rendered and kept before.</summary>
    internal string? KnownMessage => _message;

    private string Render() => MessageTemplate.Render(Template, PropertySpan, InlineSpan);

    /// <summary>Replaces property values (redaction). Called on the worker before the message is rendered.</summary>
    internal void ReplaceProperties(KeyValuePair<string, object?>[] properties)
    {
        _properties = properties;
        _propertyCount = properties.Length;
    }

    /// <summary>A buffer of at least <paramref name="count"/> properties for the capture to fill; the event's own when it is large enough.</summary>
    internal Span<KeyValuePair<string, object?>> PrepareProperties(int count)
    {
        if (_properties.Length < count)
        {
            _properties = new KeyValuePair<string, object?>[Math.Max(count, 4)];
        }

        _propertyCount = count;
        return _properties.AsSpan(0, count);
    }

    /// <summary>
    /// Slots for value-type properties, as many as <see cref="PrepareProperties"/> prepared; only pooled events
    /// use them (see <see cref="InlineSlot"/>). The capture marks such a property's value with an
    /// <see cref="InlineKind"/>; readers go through <see cref="ValueAt"/>, <see cref="InlineSpan"/> or <see cref="Properties"/>.
    /// </summary>
    internal Span<InlineSlot> PrepareInline(int count)
    {
        if (_inline is null || _inline.Length < count)
        {
            _inline = new InlineSlot[Math.Max(count, 4)];
        }

        return _inline.AsSpan(0, count);
    }

    /// <summary>The inline slots, index for index with <see cref="PropertySpan"/>; empty when the event has none.</summary>
    internal ReadOnlySpan<InlineSlot> InlineSpan => _inline is null ? default : _inline.AsSpan(0, Math.Min(_inline.Length, _propertyCount));

    /// <summary>A property's value, boxed again when it is kept in an inline slot.</summary>
    internal object? ValueAt(int index) =>
        _properties[index].Value is InlineKind kind ? kind.Box(in _inline![index]) : _properties[index].Value;

    /// <summary>Sets how many of the prepared properties the capture kept.</summary>
    internal void SetPropertyCount(int count) => _propertyCount = count;

    /// <summary>Sets the rendered message (a state without a template) or clears it.</summary>
    internal void SetMessage(string? message) => _message = message;

    /// <summary>
    /// Drops the references of this call before the event goes back to the pool: property values, message,
    /// exception, scopes, trace. Category, template, event id and thread name stay (long-lived strings that
    /// the next call usually has too, so <see cref="EventCapture"/> need not write them again); the capture
    /// relies on the rest being null or default here.
    /// </summary>
    internal void Clear()
    {
        _properties.AsSpan(0, _propertyCount).Clear();
        _propertyCount = 0;
        _message = null;
        Exception = null;
        ScopeArray = null;
        TraceId = default;
        SpanId = default;
        Sequence = 0;
        IsSettled = false;
    }

    /// <summary>Creates an event on the worker (the handler's own notices, such as the drop report).</summary>
    internal static LogEvent Create(DateTimeOffset timestamp, LogLevel level, string category, string message, params KeyValuePair<string, object?>[] properties) =>
        new(timestamp, level, category, default, null, message, properties, null, null)
        {
            ThreadId = Environment.CurrentManagedThreadId,
            EstimatedBytes = 256,
        };

    /// <summary>The public, read-only view of the properties; one per event object, reused with it.</summary>
    private sealed class PropertyList(LogEvent owner) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => owner._propertyCount;

        public KeyValuePair<string, object?> this[int index] =>
            (uint)index < (uint)owner._propertyCount
                ? new(owner._properties[index].Key, owner.ValueAt(index))
                : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < owner._propertyCount; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
