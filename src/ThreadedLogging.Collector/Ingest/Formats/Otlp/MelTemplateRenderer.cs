using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp;

/// <summary>
/// Renders a Microsoft.Extensions.Logging template (<c>Paid {Employee} {Amount:0.00}</c>) from a log record's attributes,
/// as MEL's formatter would: values as they are (no quotes), a numeric format applied, <c>{{</c>/<c>}}</c> unescaped.
/// Only a body whose every hole names an attribute (or that has escaped braces and no hole) is a template; any
/// other text is a message as it stands. The output is bounded (<see cref="RenderedMessage"/>): alignments and
/// precisions (<c>{A,2147483647}</c>, <c>{A:D999999999}</c>) never make more than the room left.
/// </summary>
internal static class MelTemplateRenderer
{
    public static bool TryRender(string body, RepeatedField<KeyValue> attributes, int maxLength, out string rendered)
    {
        rendered = body;
        if (!body.Contains('{', StringComparison.Ordinal) && !body.Contains('}', StringComparison.Ordinal))
        {
            return false;
        }

        var output = RenderedMessage.Rent();
        var holes = 0;
        for (var i = 0; i < body.Length && output.Length <= maxLength; i++)
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
                RenderedMessage.Release(output);
                return false;
            }

            var hole = body.AsSpan(i + 1, close - i - 1);
            var colon = hole.IndexOf(':');
            var format = colon >= 0 ? hole[(colon + 1)..].ToString() : null;
            var nameAndAlignment = colon >= 0 ? hole[..colon] : hole;
            var comma = nameAndAlignment.IndexOf(',');
            var name = (comma >= 0 ? nameAndAlignment[..comma] : nameAndAlignment).Trim().TrimStart('@');
            if (OtlpValues.Find(attributes, name) is not { } value)
            {
                RenderedMessage.Release(output);
                return false;
            }

            holes++;
            i = close;
            if (comma < 0 && format is null && TryAppendPlain(output, value))
            {
                continue; // the usual hole: a string or an integer as it is, no string of its own
            }

            var room = maxLength - output.Length + 1;
            var text = Format(value, format, room);
            var width = comma >= 0 && int.TryParse(nameAndAlignment[(comma + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var aligned) ? aligned : 0;
            var padding = RenderedMessage.Padding(width, text.Length, room);
            if (width > 0)
            {
                output.Append(' ', padding);
            }

            output.Append(text);
            if (width < 0)
            {
                output.Append(' ', padding);
            }
        }

        rendered = RenderedMessage.Return(output, maxLength);
        return holes > 0 || rendered.Length != body.Length;
    }

    /// <summary>Appends a string or an integer value as <see cref="OtlpValues.Text"/> writes it; false for any other kind.</summary>
    private static bool TryAppendPlain(StringBuilder output, AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                output.Append(value.StringValue);
                return true;
            case AnyValue.ValueOneofCase.IntValue:
                output.Append(CultureInfo.InvariantCulture, $"{value.IntValue}");
                return true;
            default:
                return false;
        }
    }

    private static string Format(AnyValue value, string? format, int room)
    {
        if (format is not null && !PrecisionFits(format, room))
        {
            // "{A:D999999999}" asks for a billion digits: more than could be kept, so the format is not applied.
            return OtlpValues.Text(value) ?? "(null)";
        }

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

    /// <summary>Whether a standard numeric format's precision (<c>D</c>, <c>E</c>, <c>F</c>, <c>N</c>, <c>X</c>… then digits) makes at most <paramref name="room"/> digits.</summary>
    private static bool PrecisionFits(string format, int room) =>
        format.Length < 2 || !char.IsAsciiLetter(format[0]) || format.AsSpan(1).ContainsAnyExceptInRange('0', '9')
        || (int.TryParse(format.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var precision) && precision <= room);
}
