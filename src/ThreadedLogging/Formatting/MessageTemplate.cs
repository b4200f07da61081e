using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ThreadedLogging;

/// <summary>
/// Renders a Microsoft.Extensions.Logging message template the way MEL's own formatter does:
/// holes are filled by position, with invariant culture, <c>(null)</c> for null and enumerables
/// joined by <c>", "</c>. Runs on the worker, from the values captured at the log call.
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
            if (segment.Hole < 0 || segment.Hole >= values.Length)
            {
                builder.Append(template, segment.Start, segment.Length); // literal text, or a hole without a value as written
            }
            else if (values[segment.Hole].Value is InlineKind kind)
            {
                AppendInline(builder, buffer, segment, kind, in inline[segment.Hole]);
            }
            else
            {
                AppendHole(builder, buffer, segment, values[segment.Hole].Value);
            }
        }

        return builder;
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
            case IEnumerable enumerable:
                var joined = new StringBuilder();
                foreach (var item in enumerable)
                {
                    if (joined.Length > 0)
                    {
                        joined.Append(", ");
                    }

                    joined.Append(FormatValue(item));
                }

                return joined.ToString();
            default:
                return value.ToString() ?? NullValue;
        }
    }
}
