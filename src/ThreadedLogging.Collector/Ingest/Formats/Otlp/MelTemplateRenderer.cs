using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// Renders a Microsoft.Extensions.Logging template (<c>Paid {Employee} {Amount:0.00}</c>) from a log record's attributes,
/// as MEL's formatter would: values as they are (no quotes), a numeric format applied, <c>{{</c>/<c>}}</c> unescaped.
/// Only a body whose every hole names an attribute (or that has escaped braces and no hole) is a template; any
/// other text is a message as it stands.
/// </summary>
internal static class MelTemplateRenderer
{
    public static bool TryRender(string body, RepeatedField<KeyValue> attributes, out string rendered)
    {
        rendered = body;
        if (!body.Contains('{', StringComparison.Ordinal) && !body.Contains('}', StringComparison.Ordinal))
        {
            return false;
        }

        var output = new StringBuilder(body.Length + 32);
        var holes = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if ((c == '{' || c == '}') && i + 1 < body.Length && body[i + 1] == c)
            {
                output.Append(c);
                i++;
                continue;
            }

            if (c != '{')
            {
                output.Append(c);
                continue;
            }

            var close = body.IndexOf('}', i + 1);
            if (close < 0)
            {
                return false;
            }

            var hole = body.AsSpan(i + 1, close - i - 1);
            var colon = hole.IndexOf(':');
            var format = colon >= 0 ? hole[(colon + 1)..].ToString() : null;
            var nameAndAlignment = colon >= 0 ? hole[..colon] : hole;
            var comma = nameAndAlignment.IndexOf(',');
            var name = (comma >= 0 ? nameAndAlignment[..comma] : nameAndAlignment).Trim().TrimStart('@').ToString();
            if (OtlpValues.Find(attributes, name) is not { } value)
            {
                return false;
            }

            var text = Format(value, format);
            if (comma >= 0 && int.TryParse(nameAndAlignment[(comma + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var width))
            {
                text = width < 0 ? text.PadRight(-width) : text.PadLeft(width);
            }

            output.Append(text);
            holes++;
            i = close;
        }

        rendered = output.ToString();
        return holes > 0 || rendered.Length != body.Length;
    }

    private static string Format(AnyValue value, string? format)
    {
        try
        {
            return value.ValueCase switch
            {
                AnyValue.ValueOneofCase.IntValue when format is not null => value.IntValue.ToString(format, CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.DoubleValue when format is not null => value.DoubleValue.ToString(format, CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.ArrayValue => string.Join(", ", value.ArrayValue.Values.Select(v => OtlpValues.Text(v) ?? "(null)")),
                _ => OtlpValues.Text(value) ?? "(null)",
            };
        }
        catch (FormatException)
        {
            // A format the value's type does not know (the client formatted another type): show the value.
            return OtlpValues.Text(value) ?? "(null)";
        }
    }
}
