using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ThreadedLogging;

/// <summary>
/// Renders a Microsoft.Extensions.Logging message template the way MEL's own formatter does:
/// holes are filled by position (by name where a state lists its values in another order), with invariant
/// culture, <c>(null)</c> for null and enumerables joined by <c>", "</c>, each item as its own text (a collection in a
/// collection as its type's name). Runs on the worker, from the values
/// captured at the log call.
/// </summary>
internal static class MessageTemplate
{
    private const string NullValue = "(null)";

    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>Renders with values from any list (tests, callers outside an event).</summary>
    public static string Render(string? template, IReadOnlyList<KeyValuePair<string, object?>> values) =>
        Render(template, [.. values], default);

    /// <summary>
    /// Renders with an event's properties; a value that is an <see cref="InlineKind"/> is read from the
    /// slot of the same index in <paramref name="inline"/>.
    /// </summary>
    public static string Render(string? template, ReadOnlySpan<KeyValuePair<string, object?>> values, ReadOnlySpan<InlineSlot> inline)
    {
        if (string.IsNullOrEmpty(template))
        {
            return string.Empty;
        }

        if (!HasHoles(template))
        {
            return template;
        }

        var builder = RenderToBuilder(template, values, inline);
        var rendered = builder.ToString();
        Release(builder);
        return rendered;
    }

    /// <summary>Whether rendering can change the template's text (it has braces); if not, the message is the template.</summary>
    public static bool HasHoles(string template) => template.AsSpan().IndexOfAny('{', '}') >= 0;

    /// <summary>
    /// Renders into this thread's builder, for a caller that copies the text out (the JSON writer) without making
    /// a string of it; call <see cref="Release"/> after.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StringBuilder RenderToBuilder(string template, ReadOnlySpan<KeyValuePair<string, object?>> values, ReadOnlySpan<InlineSlot> inline)
    {
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        Span<char> buffer = stackalloc char[128]; // for values that format into a span, once per message
        foreach (var segment in ParsedTemplate.Get(template).Segments)
        {
            var index = ValueIndex(in segment, values);
            if (index < 0)
            {
                builder.Append(template, segment.Start, segment.Length); // literal text, or a hole without a value as written
            }
            else if (values[index].Value is InlineKind kind)
            {
                AppendInline(builder, buffer, segment, kind, in inline[index]);
            }
            else
            {
                AppendHole(builder, buffer, segment, values[index].Value);
            }
        }

        return builder;
    }

    /// <summary>
    /// Which value fills a hole: the one at the hole's position, as MEL fills it, when its name is the hole's (MEL's
    /// own states list their values in the template's order, so <c>{A} {A}</c> takes two values); else the value of
    /// the hole's name — a state that lists other pairs first, as the enrichment of Microsoft.Extensions.Telemetry
    /// does, would otherwise fill the holes with the wrong values; else, by position as before. -1: no value.
    /// </summary>
    private static int ValueIndex(in ParsedTemplate.Segment segment, ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        var hole = segment.Hole;
        if (hole < 0)
        {
            return -1;
        }

        if (hole < values.Length && string.Equals(values[hole].Key, segment.Name, StringComparison.Ordinal))
        {
            return hole;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i].Key, segment.Name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return hole < values.Length ? hole : -1;
    }

    /// <summary>Done with the builder of <see cref="RenderToBuilder"/>: a huge message's buffer is not kept.</summary>
    public static void Release(StringBuilder builder)
    {
        if (builder.Capacity > 4096)
        {
            t_builder = null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendInline(StringBuilder builder, Span<char> buffer, in ParsedTemplate.Segment hole, InlineKind kind, in InlineSlot slot)
    {
        // No alignment: format straight from the slot, as AppendHole formats an ISpanFormattable.
        if (hole.Alignment == 0 && kind.TryFormat(in slot, buffer, out var written, hole.Format))
        {
            builder.Append(buffer[..written]);
            return;
        }

        AppendHole(builder, buffer, hole, kind.Box(in slot));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendHole(StringBuilder builder, Span<char> buffer, in ParsedTemplate.Segment hole, object? value)
    {
        if (hole.Alignment == 0 && value is ISpanFormattable formattable and not IEnumerable
            && formattable.TryFormat(buffer, out var written, hole.Format, CultureInfo.InvariantCulture))
        {
            builder.Append(buffer[..written]);
            return;
        }

        var text = FormatValue(value, hole.Format);
        if (hole.Alignment > 0)
        {
            builder.Append(text.PadLeft(hole.Alignment));
        }
        else if (hole.Alignment < 0)
        {
            builder.Append(text.PadRight(-hole.Alignment));
        }
        else
        {
            builder.Append(text);
        }
    }

    internal static string FormatValue(object? value, string? format = null)
    {
        switch (value)
        {
            case null:
                return NullValue;
            case string s:
                return s;
            case IFormattable formattable:
                return formattable.ToString(format, CultureInfo.InvariantCulture);
            case KeyValuePair<string, object?>:
                return ItemText(value);
            case DestructuredValue destructured:
                return destructured.ToString(); // the object's own text, as MEL renders it
            case IEnumerable enumerable:
                var joined = new StringBuilder();
                var caller = value is Dictionary<string, object?> ? CallerCulture.Of(value) : null;
                foreach (var item in enumerable)
                {
                    if (joined.Length > 0)
                    {
                        joined.Append(", ");
                    }

                    joined.Append(caller is not null && item is KeyValuePair<string, object?> pair ? EntryText(pair, caller) : ItemText(item));
                }

                return joined.ToString();
            default:
                return value.ToString() ?? NullValue;
        }
    }

    /// <summary>A logged dictionary's entry as MEL writes it on the caller's thread: key and value in the caller's culture (<see cref="CallerCulture"/>).</summary>
    private static string EntryText(KeyValuePair<string, object?> pair, CallerCulture.Texts caller) =>
        $"[{caller.KeyText(pair.Key)}, {(caller.Culture is { } culture && pair.Value is IFormattable entry ? entry.ToString(null, culture) : pair.Value is null ? string.Empty : ItemText(pair.Value))}]";

    /// <summary>
    /// An item of a logged collection as MEL writes it, with the item's own text and not its items: a collection or
    /// dictionary its original's text (<c>System.Int32[]</c>, <see cref="NestedText"/>), bytes theirs, a dictionary's
    /// entry as <c>KeyValuePair</c> writes itself (<c>[key, value]</c>, a null value empty).
    /// </summary>
    private static string ItemText(object? item) => item switch
    {
        KeyValuePair<string, object?> pair => $"[{pair.Key}, {(pair.Value is null ? string.Empty : ItemText(pair.Value))}]",
        LoggedBytes bytes => bytes.ItemText,
        object?[] or Dictionary<string, object?> when NestedText.Of(item) is { } text => text,
        _ => FormatValue(item),
    };
}
