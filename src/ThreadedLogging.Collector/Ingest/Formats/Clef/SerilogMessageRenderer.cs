using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Renders a Serilog message template (<c>@mt</c>) from a CLEF event's properties the way Serilog's own
/// <c>RenderMessage()</c> does: strings quoted (unless <c>:l</c>), <c>True</c>/<c>False</c>, <c>null</c>, sequences
/// <c>[a, b]</c>, structures <c>Type { A: 1 }</c>; a token with a format takes the client's rendering from <c>@r</c>
/// (CLEF sends one per formatted token, in template order); a missing property leaves the token as written. The output
/// is bounded (<see cref="RenderedMessage"/>): alignments (<c>{A,2147483647}</c>) and repeated tokens never make more than the room left.
/// </summary>
internal static class SerilogMessageRenderer
{
    public static string Render(string template, JsonElement properties, JsonElement renderings, int maxLength)
    {
        if (template.Length <= maxLength && template.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return template; // no token, no escaped brace: the message is the template (and its string)
        }

        var output = RenderedMessage.Rent();
        var renderingIndex = 0;
        var i = 0;
        while (i < template.Length && output.Length <= maxLength)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                output.Append('{');
                i += 2;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                output.Append('}');
                i += 2;
                continue;
            }

            if (c != '{')
            {
                output.Append(c);
                i++;
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            var nextOpen = template.IndexOf('{', i + 1);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close) || !Token.TryParse(template.AsSpan(i + 1, close - i - 1), out var token))
            {
                // Not a property token: Serilog keeps it as text.
                var end = close < 0 || (nextOpen >= 0 && nextOpen < close) ? (nextOpen >= 0 ? nextOpen : template.Length) : close + 1;
                output.Append(template, i, end - i);
                i = end;
                continue;
            }

            string? rendered = null;
            if (token.Format is not null)
            {
                if (renderings.ValueKind == JsonValueKind.Array && renderingIndex < renderings.GetArrayLength()
                    && renderings[renderingIndex].ValueKind == JsonValueKind.String)
                {
                    rendered = renderings[renderingIndex].GetString();
                }

                renderingIndex++;
            }

            if (rendered is null && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(template.AsSpan(i + 1 + token.NameStart, token.NameLength), out var value))
            {
                if (token.Alignment is null)
                {
                    // The common case renders in place: no string per token.
                    RenderValue(output, value, token.Format, topLevel: true);
                    i = close + 1;
                    continue;
                }

                var builder = new StringBuilder();
                RenderValue(builder, value, token.Format, topLevel: true);
                rendered = builder.ToString();
            }

            rendered ??= template.Substring(i, close - i + 1);
            Align(output, rendered, token.Alignment, maxLength - output.Length + 1);
            i = close + 1;
        }

        return RenderedMessage.Return(output, maxLength);
    }

    private static void Align(StringBuilder output, string value, int? alignment, int room)
    {
        var pad = alignment is { } width ? RenderedMessage.Padding(width, value.Length, room) : 0;
        if (pad == 0)
        {
            output.Append(value);
        }
        else if (alignment < 0)
        {
            output.Append(value).Append(' ', pad);
        }
        else
        {
            output.Append(' ', pad).Append(value);
        }
    }

    private static void RenderValue(StringBuilder output, JsonElement value, string? format, bool topLevel)
    {
        if (format is not null && format.Contains('j', StringComparison.Ordinal))
        {
            output.Append(value.GetRawText());
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var literal = topLevel && format is not null && format.Contains('l', StringComparison.Ordinal);
                var raw = JsonMarshal.GetRawUtf8Value(value);
                if (raw.IndexOf((byte)'\\') < 0)
                {
                    // Without escapes the text is the bytes between the quotes, and holds no quote to escape: no string of its own.
                    output.Append(literal ? string.Empty : "\"");
                    RenderedMessage.AppendUtf8(output, raw[1..^1]);
                    output.Append(literal ? string.Empty : "\"");
                    break;
                }

                var text = value.GetString()!;
                if (literal)
                {
                    output.Append(text);
                }
                else
                {
                    output.Append('"').Append(text.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                }

                break;
            case JsonValueKind.True:
                output.Append("True");
                break;
            case JsonValueKind.False:
                output.Append("False");
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                output.Append("null");
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    output.Append(first ? string.Empty : ", ");
                    first = false;
                    RenderValue(output, item, format, topLevel: false);
                }

                output.Append(']');
                break;
            case JsonValueKind.Object:
                RenderStructure(output, value);
                break;
            default:
                RenderedMessage.AppendUtf8(output, JsonMarshal.GetRawUtf8Value(value)); // a number as written
                break;
        }
    }

    private static void RenderStructure(StringBuilder output, JsonElement value)
    {
        if (value.TryGetProperty("$type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            output.Append(type.GetString()).Append(' ');
        }

        output.Append("{ ");
        var first = true;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("$type"))
            {
                continue;
            }

            output.Append(first ? string.Empty : ", ");
            first = false;
            output.Append(property.Name).Append(": ");
            RenderValue(output, property.Value, null, topLevel: false);
        }

        output.Append(" }");
    }

    /// <summary>A property token's parts: <c>[@|$]Name[,alignment][:format]</c>; the name by where it is in the token (no string of its own).</summary>
    private readonly record struct Token(int NameStart, int NameLength, int? Alignment, string? Format)
    {
        public static bool TryParse(ReadOnlySpan<char> content, out Token token)
        {
            token = default;
            var nameStart = 0;
            string? format = null;
            var colon = content.IndexOf(':');
            if (colon >= 0)
            {
                format = content[(colon + 1)..].ToString();
                content = content[..colon];
            }

            int? alignment = null;
            var comma = content.IndexOf(',');
            if (comma >= 0)
            {
                if (!int.TryParse(content[(comma + 1)..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var width))
                {
                    return false;
                }

                alignment = width;
                content = content[..comma];
            }

            if (content.Length > 0 && content[0] is '@' or '$')
            {
                content = content[1..];
                nameStart = 1;
            }

            if (content.IsEmpty)
            {
                return false;
            }

            foreach (var ch in content)
            {
                if (!char.IsLetterOrDigit(ch) && ch != '_')
                {
                    return false;
                }
            }

            token = new Token(nameStart, content.Length, alignment, format);
            return true;
        }
    }
}
