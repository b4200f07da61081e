using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// The caller's side of a log call: copy what the event needs into immutable values, format nothing
/// that the worker can format later. This is the hot path; keep it free of I/O, locks and LINQ.
/// </summary>
internal static class EventCapture
{
    private const string OriginalFormat = "{OriginalFormat}";

    /// <summary>Captures into a new event (tests, benchmarks, handlers whose sink keeps events).</summary>
    public static LogEvent Capture<TState>(
        string category,
        LogLevel level,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter,
        ScopeReader? scopes,
        DateTimeOffset timestamp) =>
        Capture(new LogEvent(), CallerThread.Current, category, level, eventId, state, exception, formatter, scopes, timestamp);

    /// <summary>
    /// What an exception held by a call adds to its estimated size (the queue charges an object call by it, so that
    /// <see cref="ThreadedHandlerOptions.MaxQueueBytes"/> bounds the heap such calls hold): a thrown exception's own
    /// object, message and captured stack, about 1 KiB measured (1,097 B of heap per call held, event included).
    /// </summary>
    internal const int ExceptionBytes = 1024;

    /// <summary>
    /// What a value kept as an object tree adds (<c>{@Order}</c> destructured, a collection): its nodes, names and boxes,
    /// about 2.5 KiB measured for a small record (2,990 B of heap per <c>{@Order}</c> call held, event included).
    /// </summary>
    internal const int ObjectTreeBytes = 2560;

    /// <summary>Fills <paramref name="target"/> with the call (a call a record cannot hold, see <see cref="RecordWriter"/>).</summary>
    public static LogEvent Capture<TState>(
        LogEvent target,
        CallerThread caller,
        string category,
        LogLevel level,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter,
        ScopeReader? scopes,
        DateTimeOffset timestamp)
    {
        string? template = null;
        var bytes = 160;

        // Only the calls a record cannot hold come here (RecordWriter): a struct state is boxed by this test.
        if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            template = CaptureProperties(list, target, ref bytes);
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            template = CaptureProperties(pairs.ToArray(), target, ref bytes); // a dictionary as the state
        }
        else
        {
            target.SetPropertyCount(0);
        }

        var message = template is null || PropertyEncoder<TState>.KeepsFormatterText ? formatter(state, exception) : null;
        bytes += 2 * ((template?.Length ?? 0) + (message?.Length ?? 0) + category.Length);
        if (exception is not null)
        {
            bytes += ExceptionBytes;
        }

        var activity = Activity.Current;
        target.Timestamp = timestamp;
        target.Level = level;
        target.ThreadId = caller.ManagedThreadId;
        target.EstimatedBytes = bytes;

        // A pooled event comes back with the category, template, event id and thread name of its last
        // call (long-lived strings, kept on purpose): write a reference only when it differs, since every
        // reference stored into a pooled (old) object goes through the GC's card-marking write barrier.
        if (!ReferenceEquals(target.Category, category))
        {
            target.Category = category;
        }

        if (!ReferenceEquals(target.Template, template))
        {
            target.Template = template;
        }

        if (target.EventId.Id != eventId.Id || !ReferenceEquals(target.EventId.Name, eventId.Name))
        {
            target.EventId = eventId;
        }

        var threadName = caller.Thread.Name;
        if (!ReferenceEquals(target.ThreadName, threadName))
        {
            target.ThreadName = threadName;
        }

        // The rest is null after Clear() and usually null again.
        if (message is not null)
        {
            target.SetMessage(message);
        }

        if (exception is not null)
        {
            target.Exception = exception;
        }

        if (scopes?.Capture(caller, ExecutionContext.Capture()) is { } captured)
        {
            target.ScopeArray = captured;
        }

        if (activity is not null)
        {
            target.TraceId = activity.TraceId;
            target.SpanId = activity.SpanId;
        }

        return target;
    }

    /// <summary>Copies the properties into the event and returns the template (<c>{OriginalFormat}</c>), if any.</summary>
    internal static string? CaptureProperties<TList>(in TList list, LogEvent target, ref int bytes)
        where TList : IReadOnlyList<KeyValuePair<string, object?>>
    {
        var count = list.Count;
        string? template = null;
        var size = count;
        if (count > 0 && list[count - 1] is { Key: OriginalFormat } last)
        {
            template = last.Value as string;
            size--;
        }

        var properties = target.PrepareProperties(size);
        Span<InlineSlot> inline = default;
        var n = 0;
        for (var i = 0; i < size; i++)
        {
            var pair = list[i];
            if (pair.Key == OriginalFormat)
            {
                template ??= pair.Value as string;
                continue;
            }

            var value = pair.Value;
            if (value is string text)
            {
                // The most common value first: immutable, kept as it is.
                bytes += 32 + (2 * (pair.Key.Length + text.Length));
                properties[n++] = pair;
                continue;
            }

            if (value is not null && target.IsPooled)
            {
                // A pooled event keeps numbers, dates and guids by value, not the call's box (see InlineSlot).
                if (inline.IsEmpty)
                {
                    inline = target.PrepareInline(size);
                }

                if (InlineKind.TryStore(value, ref inline[n]) is { } kind)
                {
                    bytes += 48 + (2 * pair.Key.Length);
                    properties[n++] = new KeyValuePair<string, object?>(pair.Key, kind);
                    continue;
                }
            }

            value = ValueFreezer.FreezeProperty(pair.Key, value, template);
            bytes += 32 + (2 * pair.Key.Length) + value switch
            {
                string s => 2 * s.Length,
                null or ValueType => 16,
                _ => ObjectTreeBytes,
            };
            properties[n++] = new KeyValuePair<string, object?>(pair.Key, value);
        }

        target.SetPropertyCount(n);
        return template;
    }

    /// <summary>
    /// A scope's properties, frozen, or its text. Properties: pairs of any value (MEL's template scopes, with
    /// <c>{OriginalFormat}</c> from which their text follows), pairs of text (a <c>Dictionary&lt;string, string&gt;</c>,
    /// whose text would be its type's name), and a <c>(string, object?)</c> tuple, as Serilog reads it.
    /// </summary>
    internal static object? FreezeScope(object? scope)
    {
        try
        {
            switch (scope)
            {
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    return FreezePairs(pairs);
                case IEnumerable<KeyValuePair<string, string>> texts:
                    return FreezePairs(texts);
                case ValueTuple<string, object?> tuple:
                    return new[] { new KeyValuePair<string, object?>(tuple.Item1, ValueFreezer.Freeze(tuple.Item2)) };
                default:
                    return scope?.ToString();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A scope whose text or enumerator throws must not cost the log calls made inside it.
            return $"<{scope!.GetType().Name}: {e.GetType().Name}>";
        }
    }

    /// <summary>
    /// The first <see cref="ValueFreezer.MaxItems"/> pairs, as many as a logged dictionary keeps: the scope is read again
    /// by every call inside it, on the caller's thread, and a generated sequence may not end.
    /// </summary>
    private static KeyValuePair<string, object?>[] FreezePairs<T>(IEnumerable<KeyValuePair<string, T>> pairs)
    {
        var frozen = new List<KeyValuePair<string, object?>>();
        using var items = pairs.GetEnumerator();
        while (frozen.Count < ValueFreezer.MaxItems && items.MoveNext())
        {
            var pair = items.Current;
            frozen.Add(new KeyValuePair<string, object?>(pair.Key, ValueFreezer.FreezeProperty(pair.Key, pair.Value)));
        }

        return frozen.ToArray();
    }
}
