using System.Globalization;
using System.Numerics;
using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Python's <c>msg % args</c> (printf-style formatting, as <c>LogRecord.getMessage()</c> does it) on
/// arguments read back by <see cref="PythonLiteralParser"/>. Returns false where Python would raise
/// (wrong type, too few or too many arguments, bad format): the caller keeps msg and args raw.
/// </summary>
/// <remarks>
/// Issue 15 §2: widths and repeated conversions can make a small record render to gigabytes
/// (<c>'%100000s' * 1000</c>), so the output is bounded: past <c>maxLength</c> characters rendering stops
/// and the message ends with <see cref="TruncationMarker"/> (what follows is neither rendered nor checked).
/// Widths and precisions count code points, as Python's do: a precision never cuts a surrogate pair in two.
/// </remarks>
internal static class PythonPercentFormatter
{
    /// <summary>Ends a rendered message cut at its limit.</summary>
    public const string TruncationMarker = RenderedMessage.TruncationMarker;

    /// <summary>Renders <paramref name="msg"/> with the <c>str()</c> of <c>record.args</c>, at most <paramref name="maxLength"/> characters before the marker.</summary>
    public static bool TryRender(string msg, string? args, int maxLength, out string message)
    {
        message = msg;
        if (string.IsNullOrEmpty(args))
        {
            return true;
        }

        if (!PythonLiteralParser.TryParse(args, out var value))
        {
            return false;
        }

        // LogRecord.getMessage: "if self.args: msg = msg % self.args" — empty args leave msg untouched, "%%" included.
        if (value.IsFalsy)
        {
            return true;
        }

        return TryFormat(msg, value, maxLength, out message);
    }

    /// <summary>Python's <c>format % value</c>, cut after <paramref name="maxLength"/> characters.</summary>
    public static bool TryFormat(string format, PyValue value, int maxLength, out string result)
    {
        result = format;
        var positional = value.Kind == PyKind.Tuple ? value.Items : [value];
        var mapping = value.Kind == PyKind.Dict ? value : null;
        var next = 0;
        var output = new StringBuilder(Math.Min(format.Length + 32, maxLength + 1));
        var i = 0;
        while (i < format.Length)
        {
            if (output.Length > maxLength)
            {
                result = RenderedMessage.Cut(output, maxLength);
                return true;
            }

            var c = format[i++];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }

            var directive = i - 1;
            if (i >= format.Length)
            {
                return false; // "incomplete format"
            }

            PyValue? keyed = null;
            if (format[i] == '(')
            {
                if (mapping is null)
                {
                    return false; // "format requires a mapping"
                }

                var depth = 1;
                var keyStart = ++i;
                while (i < format.Length && depth > 0)
                {
                    depth += format[i] switch { '(' => 1, ')' => -1, _ => 0 };
                    i++;
                }

                if (depth != 0)
                {
                    return false;
                }

                var key = format[keyStart..(i - 1)];
                keyed = Lookup(mapping, key);
                if (keyed is null)
                {
                    return false; // KeyError
                }

                // CPython takes the dict itself as the one positional argument, but only before the first key:
                // "%s %(a)s" renders, "%(a)s %s" raises "not enough arguments for format string".
                next = positional.Count;
            }

            var spec = new Spec();
            while (i < format.Length && format[i] is '-' or '+' or ' ' or '#' or '0')
            {
                switch (format[i++])
                {
                    case '-': spec.Left = true; break;
                    case '+': spec.Plus = true; break;
                    case ' ': spec.Space = true; break;
                    case '#': spec.Alternate = true; break;
                    default: spec.Zero = true; break;
                }
            }

            if (!TryReadNumber(format, ref i, positional, keyed is not null, ref next, out var width))
            {
                return false;
            }

            if (width < 0)
            {
                spec.Left = true;
                width = -width;
            }

            spec.Width = width;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (!TryReadNumber(format, ref i, positional, keyed is not null, ref next, out var precision))
                {
                    return false;
                }

                spec.Precision = Math.Max(precision ?? 0, 0);
            }

            if (i < format.Length && format[i] is 'h' or 'l' or 'L')
            {
                i++; // one length modifier, ignored; a second is the conversion ("%lld": unsupported format character 'l')
            }

            if (i >= format.Length)
            {
                return false;
            }

            var conversion = format[i++];
            if (conversion == '%')
            {
                if (i - directive != 2)
                {
                    return false; // CPython 3.11: only "%%" itself is a '%'; "%5%", "%(a)%", "%*%" raise
                }

                output.Append('%');
                continue;
            }

            PyValue argument;
            if (keyed is not null)
            {
                argument = keyed;
            }
            else
            {
                if (next >= positional.Count)
                {
                    return false; // "not enough arguments for format string"
                }

                argument = positional[next++];
            }

            if (!TryConvert(conversion, argument, spec, output, maxLength - output.Length + 1))
            {
                return false;
            }
        }

        // "not all arguments converted during string formatting" (never raised for a mapping).
        if (mapping is null && next < positional.Count)
        {
            return false;
        }

        result = RenderedMessage.Cut(output, maxLength);
        return true;
    }

    private static PyValue? Lookup(PyValue mapping, string key)
    {
        foreach (var (k, v) in mapping.Entries)
        {
            if (k.Kind == PyKind.Str && k.Text == key)
            {
                return v;
            }
        }

        return null;
    }

    private static bool TryReadNumber(string format, ref int i, IReadOnlyList<PyValue> positional, bool keyed, ref int next, out int? number)
    {
        number = null;
        if (i < format.Length && format[i] == '*')
        {
            i++;
            if (keyed || next >= positional.Count || positional[next].Kind is not (PyKind.Int or PyKind.Bool))
            {
                return false; // "* wants int"
            }

            number = (int)BigInteger.Clamp(positional[next++].Integer, -100_000, 100_000);
            return true;
        }

        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }

        if (i > start)
        {
            if (!int.TryParse(format.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 100_000)
            {
                return false;
            }

            number = parsed;
        }

        return true;
    }

    private static bool TryConvert(char conversion, PyValue argument, Spec spec, StringBuilder output, int room)
    {
        switch (conversion)
        {
            case 's' or 'r' or 'a':
                {
                    var text = conversion switch
                    {
                        's' => argument.Str,
                        'r' => argument.Repr,
                        _ => PythonNumberFormat.Ascii(argument.Repr),
                    };
                    if (spec.Precision is { } p && p < text.Length)
                    {
                        text = text[..CodePointsEnd(text, p)];
                    }

                    Pad(output, string.Empty, text, spec, zeroAllowed: false, room);
                    return true;
                }

            case 'd' or 'i' or 'u' or 'o' or 'x' or 'X':
                {
                    BigInteger integer;
                    if (argument.Kind is PyKind.Int or PyKind.Bool)
                    {
                        integer = argument.Integer;
                    }
                    else if (argument.Kind == PyKind.Float && conversion is 'd' or 'i' or 'u' && double.IsFinite(argument.Float))
                    {
                        integer = new BigInteger(Math.Truncate(argument.Float));
                    }
                    else
                    {
                        return false;
                    }

                    var digits = PythonNumberFormat.Integer(BigInteger.Abs(integer), conversion);
                    if (spec.Precision is { } minDigits && digits.Length < minDigits)
                    {
                        digits = new string('0', Math.Min(minDigits - digits.Length, room)) + digits;
                    }

                    var prefix = Sign(integer.Sign < 0, spec);
                    if (spec.Alternate && conversion is 'o' or 'x' or 'X')
                    {
                        prefix += conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X";
                    }

                    Pad(output, prefix, digits, spec, zeroAllowed: true, room);
                    return true;
                }

            case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                {
                    double number;
                    if (argument.Kind is PyKind.Int or PyKind.Bool)
                    {
                        number = (double)argument.Integer;
                        if (double.IsInfinity(number))
                        {
                            return false; // OverflowError: int too large to convert to float
                        }
                    }
                    else if (argument.Kind == PyKind.Float)
                    {
                        number = argument.Float;
                    }
                    else
                    {
                        return false;
                    }

                    // Digits past the room are cut anyway: a precision beyond it is not worked out.
                    var body = PythonNumberFormat.Float(Math.Abs(number), conversion, Math.Min(spec.Precision ?? 6, room), spec.Alternate);
                    var negative = double.IsNegative(number) && !double.IsNaN(number);
                    Pad(output, Sign(negative, spec), body, spec, zeroAllowed: double.IsFinite(number), room);
                    return true;
                }

            case 'c':
                {
                    string text;
                    if (argument.Kind is PyKind.Int or PyKind.Bool && argument.Integer >= 0 && argument.Integer <= 0x10FFFF
                        && (argument.Integer < 0xD800 || argument.Integer > 0xDFFF))
                    {
                        text = char.ConvertFromUtf32((int)argument.Integer);
                    }
                    else if (argument.Kind == PyKind.Str && argument.Text!.EnumerateRunes().Count() == 1)
                    {
                        text = argument.Text;
                    }
                    else
                    {
                        return false;
                    }

                    Pad(output, string.Empty, text, spec, zeroAllowed: false, room);
                    return true;
                }

            default:
                return false; // "unsupported format character"
        }
    }

    private static string Sign(bool negative, Spec spec) =>
        negative ? "-" : spec.Plus ? "+" : spec.Space ? " " : string.Empty;

    /// <summary>Appends prefix and body padded to the width; the padding stops at <paramref name="room"/> (the output is cut there).</summary>
    private static void Pad(StringBuilder output, string prefix, string body, Spec spec, bool zeroAllowed, int room)
    {
        var length = prefix.Length + body.Length - SurrogatePairs(body);
        var fill = Math.Min((spec.Width ?? 0) - length, room);
        if (fill <= 0)
        {
            output.Append(prefix).Append(body);
        }
        else if (spec.Left)
        {
            output.Append(prefix).Append(body).Append(' ', fill);
        }
        else if (spec.Zero && zeroAllowed)
        {
            output.Append(prefix).Append('0', fill).Append(body);
        }
        else
        {
            output.Append(' ', fill).Append(prefix).Append(body);
        }
    }

    /// <summary>Where the first <paramref name="count"/> code points of <paramref name="text"/> end (Python's precision counts code points).</summary>
    private static int CodePointsEnd(string text, int count)
    {
        var end = 0;
        for (var n = 0; n < count && end < text.Length; n++)
        {
            end += char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
        }

        return end;
    }

    /// <summary>How many characters of <paramref name="text"/> are the second half of a pair: its length in code points is the difference.</summary>
    private static int SurrogatePairs(string text)
    {
        var pairs = 0;
        foreach (var c in text)
        {
            pairs += char.IsLowSurrogate(c) ? 1 : 0;
        }

        return pairs;
    }

    private struct Spec
    {
        public bool Left;
        public bool Plus;
        public bool Space;
        public bool Alternate;
        public bool Zero;
        public int? Width;
        public int? Precision;
    }
}
