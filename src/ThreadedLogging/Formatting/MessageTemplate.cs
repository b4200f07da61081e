using System.Collections;
using System.Globalization;
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
    public static StringBuilder RenderToBuilder(string template, ReadOnlySpan<KeyValuePair<string, object?>> values, ReadOnlySpan<InlineSlot> inline)
    {
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        var hole = 0;
        var i = 0;
        while (i < template.Length)
        {
            // Literal text up to the next brace, in one append.
            var next = template.AsSpan(i).IndexOfAny('{', '}');
            if (next < 0)
            {
                builder.Append(template, i, template.Length - i);
                break;
            }

            builder.Append(template, i, next);
            i += next;
            var c = template[i];
            if (i + 1 < template.Length && template[i + 1] == c)
            {
                builder.Append(c); // "{{" or "}}"
                i += 2;
            }
            else if (c == '{')
            {
                var close = template.IndexOf('}', i + 1);
                if (close < 0)
                {
                    builder.Append(template, i, template.Length - i);
                    break;
                }

                var spec = template.AsSpan(i + 1, close - i - 1);
                if (hole < values.Length)
                {
                    var value = values[hole].Value;
                    if (value is InlineKind kind)
                    {
                        AppendInline(builder, spec, kind, in inline[hole]);
                    }
                    else
                    {
                        AppendHole(builder, spec, value);
                    }
                }
                else
                {
                    builder.Append(template, i, close - i + 1);
                }

                hole++;
                i = close + 1;
            }
            else
            {
                builder.Append(c);
                i++;
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

    private static void AppendInline(StringBuilder builder, ReadOnlySpan<char> spec, InlineKind kind, in InlineSlot slot)
    {
        var formatStart = spec.IndexOf(':');
        if (spec[..(formatStart >= 0 ? formatStart : spec.Length)].IndexOf(',') < 0)
        {
            // No alignment: format straight from the slot, as AppendHole formats an ISpanFormattable.
            Span<char> buffer = stackalloc char[128];
            if (kind.TryFormat(in slot, buffer, out var written, formatStart >= 0 ? spec[(formatStart + 1)..] : default))
            {
                builder.Append(buffer[..written]);
                return;
            }
        }

        AppendHole(builder, spec, kind.Box(in slot));
    }

    private static void AppendHole(StringBuilder builder, ReadOnlySpan<char> spec, object? value)
    {
        var formatStart = spec.IndexOf(':');
        var formatSpan = formatStart >= 0 ? spec[(formatStart + 1)..] : default;
        var nameAndAlignment = formatStart >= 0 ? spec[..formatStart] : spec;
        var comma = nameAndAlignment.IndexOf(',');
        var alignment = 0;
        if (comma >= 0)
        {
            _ = int.TryParse(nameAndAlignment[(comma + 1)..].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out alignment);
        }

        if (alignment == 0 && value is ISpanFormattable formattable and not IEnumerable)
        {
            Span<char> buffer = stackalloc char[128];
            if (formattable.TryFormat(buffer, out var written, formatSpan, CultureInfo.InvariantCulture))
            {
                builder.Append(buffer[..written]);
                return;
            }
        }

        var text = FormatValue(value, formatStart >= 0 ? formatSpan.ToString() : null);
        if (alignment > 0)
        {
            builder.Append(text.PadLeft(alignment));
        }
        else if (alignment < 0)
        {
            builder.Append(text.PadRight(-alignment));
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
