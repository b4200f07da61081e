using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ThreadedLogging;

/// <summary>
/// A record that log buffering held (Microsoft.Extensions.Telemetry's <c>AddGlobalBuffer</c>, per-request buffering) and
/// now flushes through <see cref="IBufferedLogger"/>, as an event of the record's own moment: its time, level, event id,
/// template, attributes, message and exception as the call gave them; a trace id only if the record (or an attribute)
/// carries one, never the flush's. Nothing of the flush's thread or scopes is added. Runs on the flushing thread; the
/// record is not kept (its buffer reuses it), only frozen values.
/// </summary>
internal static class BufferedRecordCapture
{
    /// <summary>The attribute Microsoft.Extensions.Telemetry's logger adds with an exception's type (a buffered record keeps only its message).</summary>
    internal const string ExceptionTypeAttribute = "exception.type";

    /// <summary>MEL's names for the trace and span ids (its <c>ActivityTrackingOptions</c> scope): an enricher that adds them keeps a buffered event's trace.</summary>
    internal const string TraceIdAttribute = "TraceId";

    internal const string SpanIdAttribute = "SpanId";

    public static LogEvent Capture(string category, BufferedLogRecord record)
    {
        var target = new LogEvent();
        var bytes = 160;
        var attributes = record.Attributes;
        var template = EventCapture.CaptureProperties(attributes, target, ref bytes) ?? record.MessageTemplate;

        // MEL rendered the message at the call, from the values themselves; the buffer keeps them only as text
        // (an int[] as "System.Int32[]"), so the record's message is the faithful one. The template stays: a masked
        // property makes the worker render the message again from it (Redactor).
        var message = record.FormattedMessage ?? (template is null ? string.Empty : null);
        bytes += 2 * ((template?.Length ?? 0) + (message?.Length ?? 0) + category.Length);

        target.Timestamp = record.Timestamp;
        target.Level = record.LogLevel;
        target.Category = category;
        target.EventId = record.EventId;
        target.Template = template;
        target.SetMessage(message);
        target.ThreadId = record.ManagedThreadId ?? 0;
        target.EstimatedBytes = bytes;
        // The buffer gives a record without an exception an empty text, not null (Microsoft.Extensions.Telemetry 10.x): only
        // a message or the type attribute its logger adds with an exception says there was one (adopter walk 4: every
        // buffered event arrived with an empty System.Exception).
        var exceptionType = Text(attributes, ExceptionTypeAttribute);
        if (!string.IsNullOrEmpty(record.Exception) || exceptionType is not null)
        {
            target.Exception = new CapturedException(exceptionType ?? "System.Exception", record.Exception ?? string.Empty, null, null, []);
        }

        target.TraceId = record.ActivityTraceId ?? TraceId(Text(attributes, TraceIdAttribute));
        target.SpanId = record.ActivitySpanId ?? SpanId(Text(attributes, SpanIdAttribute));
        return target;
    }

    private static string? Text(IReadOnlyList<KeyValuePair<string, object?>> attributes, string name)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == name)
            {
                return attributes[i].Value?.ToString();
            }
        }

        return null;
    }

    private static ActivityTraceId TraceId(string? hex) => IsId(hex, 32) ? ActivityTraceId.CreateFromString(hex) : default;

    private static ActivitySpanId SpanId(string? hex) => IsId(hex, 16) ? ActivitySpanId.CreateFromString(hex) : default;

    /// <summary>W3C's form, as <c>ToHexString()</c> writes it: lower-case hex of that length, not all zeros (anything else is no id).</summary>
    private static bool IsId([NotNullWhen(true)] string? hex, int length) =>
        hex?.Length == length && hex.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0 && hex.AsSpan().IndexOfAnyExcept('0') >= 0;
}
