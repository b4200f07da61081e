using System.Globalization;
using System.Numerics;
using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>Number conversions of Python's %-formatting, where .NET's differ (exponent digits, %g).</summary>
internal static class PythonNumberFormat
{
    public static string Integer(BigInteger magnitude, char conversion)
    {
        switch (conversion)
        {
            case 'x' or 'X':
                {
                    var hex = magnitude.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
                    hex = hex.Length == 0 ? "0" : hex;
                    return conversion == 'X' ? hex.ToUpperInvariant() : hex;
                }

            case 'o':
                return Octal(magnitude);

            default:
                return magnitude.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Octal digits from the bits, three at a time: linear in the size (dividing by 8 was quadratic).</summary>
    private static string Octal(BigInteger magnitude)
    {
        if (magnitude.IsZero)
        {
            return "0";
        }

        var bytes = magnitude.ToByteArray(isUnsigned: true, isBigEndian: false);
        var digits = new char[((bytes.Length * 8) + 2) / 3];
        for (var d = 0; d < digits.Length; d++)
        {
            var bit = d * 3;
            var low = bytes[bit / 8];
            var high = bit / 8 + 1 < bytes.Length ? bytes[(bit / 8) + 1] : 0;
            digits[digits.Length - 1 - d] = (char)('0' + ((((high << 8) | low) >> (bit % 8)) & 7));
        }

        var first = Array.FindIndex(digits, c => c != '0');
        return new string(digits, first, digits.Length - first);
    }

    /// <summary>Formats a non-negative double as Python's %e, %f or %g (sign handled by the caller).</summary>
    public static string Float(double value, char conversion, int precision, bool alternate)
    {
        var upper = char.IsUpper(conversion);
        if (double.IsNaN(value))
        {
            return upper ? "NAN" : "nan";
        }

        if (double.IsInfinity(value))
        {
            return upper ? "INF" : "inf";
        }

        var text = char.ToLowerInvariant(conversion) switch
        {
            'f' => Fixed(value, precision, alternate),
            'e' => Exponent(value, precision, alternate),
            _ => General(value, precision, alternate),
        };
        return upper ? text.ToUpperInvariant() : text;
    }

    public static string Ascii(string repr)
    {
        var text = new StringBuilder(repr.Length);
        foreach (var rune in repr.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                text.Append((char)rune.Value);
            }
            else if (rune.Value <= 0xFF)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
            }
            else if (rune.Value <= 0xFFFF)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
            }
        }

        return text.ToString();
    }

    private static string Fixed(double value, int precision, bool alternate)
    {
        var text = value.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return alternate && precision == 0 ? text + "." : text;
    }

    private static string Exponent(double value, int precision, bool alternate)
    {
        // .NET prints "1.500000e+000"; Python "1.500000e+00" (at least two exponent digits).
        var text = value.ToString("e" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var e = text.IndexOf('e', StringComparison.Ordinal);
        var mantissa = text[..e];
        var sign = text[e + 1];
        var digits = text[(e + 2)..].TrimStart('0').PadLeft(2, '0');
        if (alternate && precision == 0)
        {
            mantissa += ".";
        }

        return $"{mantissa}e{sign}{digits}";
    }

    private static string General(double value, int precision, bool alternate)
    {
        var p = precision == 0 ? 1 : precision;
        var exponent = 0;
        if (value != 0)
        {
            var rounded = Exponent(value, p - 1, alternate: false);
            exponent = int.Parse(rounded.AsSpan(rounded.IndexOf('e', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        string text;
        if (exponent >= -4 && exponent < p)
        {
            text = Fixed(value, p - 1 - exponent, alternate: false);
            if (!alternate)
            {
                text = StripZeros(text);
            }
            else if (!text.Contains('.', StringComparison.Ordinal))
            {
                text += ".";
            }

            return text;
        }

        text = Exponent(value, p - 1, alternate);
        if (!alternate)
        {
            var e = text.IndexOf('e', StringComparison.Ordinal);
            text = StripZeros(text[..e]) + text[e..];
        }

        return text;
    }

    private static string StripZeros(string text) =>
        text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
}
