using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Python's <c>repr()</c> of a value <c>json.dumps</c> wrote: what HTTPHandler's form would have carried for it, so that
/// <see cref="PythonPercentFormatter"/> reads a JSON record's <c>args</c> as it reads the form's.
/// </summary>
internal static class PythonRepr
{
    /// <param name="value">The JSON value.</param>
    /// <param name="asTuple">Write an array as the tuple <c>json.dumps</c> made it from (a LogRecord's <c>args</c>), not a list.</param>
    public static string Of(JsonElement value, bool asTuple = false)
    {
        var text = new StringBuilder();
        Write(text, value, asTuple);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonElement value, bool asTuple)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            case JsonValueKind.True:
                text.Append("True");
                break;
            case JsonValueKind.False:
                text.Append("False");
                break;
            case JsonValueKind.Null:
                text.Append("None");
                break;
            case JsonValueKind.Array:
                text.Append(asTuple ? '(' : '[');
                var count = 0;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(count++ > 0 ? ", " : string.Empty);
                    Write(text, item, asTuple: false);
                }

                text.Append(asTuple ? count == 1 ? ",)" : ")" : "]");
                break;
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var property in value.EnumerateObject())
                {
                    text.Append(first ? string.Empty : ", ");
                    first = false;
                    WriteString(text, property.Name);
                    text.Append(": ");
                    Write(text, property.Value, asTuple: false);
                }

                text.Append('}');
                break;
            default:
                text.Append(PythonJsonFloats.PythonText(value) ?? value.GetRawText()); // a number: json.dumps wrote Python's own repr of it
                break;
        }
    }

    /// <summary>A str's repr: single quotes unless it holds one and no double quote; backslash escapes for the rest.</summary>
    private static void WriteString(StringBuilder text, string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        text.Append(quote);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                '\r' => text.Append(@"\r"),
                '\t' => text.Append(@"\t"),
                _ when c == quote => text.Append('\\').Append(c),
                _ when c < ' ' || c == '\x7f' => text.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        text.Append(quote);
    }
}
