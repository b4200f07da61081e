using System.Text;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Byte and token mutations of a body, driven by one seeded <see cref="Random"/> (the same seed, the same bytes):
/// flips, interesting bytes, deleted / duplicated / spliced spans, odd numbers, a format's own tokens, deep nesting,
/// long strings, invalid UTF-8 and truncation. Bodies never grow past <see cref="MaxLength"/>.
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<byte[]> seeds, IReadOnlyList<string> tokens)
{
    public const int MaxLength = 256 * 1024;

    /// <summary>Numbers at the edges of int, long, ulong, double and decimal, and spellings parsers disagree on.</summary>
    public static readonly string[] OddNumbers =
    [
        "0", "-0", "-1", "01", "1.5", "-1.5e-7", "1e308", "1e999", "-1e999", "1e-400", "NaN", "Infinity", "-Infinity", "nan", "inf",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "99999999999999999999",
        "79228162514264337593543950336", "253402300799", "253402300800", "1_000", "0x1F", "1e", "--1", "+1", ".5", "5.",
        new string('9', 400), "1" + new string('0', 5000),
    ];

    private static readonly byte[] InterestingBytes =
        [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xED, 0xF4, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':',
         (byte)'%', (byte)'(', (byte)')', (byte)'\'', (byte)'\n', (byte)'\r', (byte)'&', (byte)'=', (byte)'+', (byte)' ', (byte)'@', (byte)'0', (byte)'9'];

    private static readonly byte[][] InvalidUtf8 =
        [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0x80], [0xF0, 0x9F, 0x98]];

    private static readonly (string Open, string Close)[] Nestings = [("[", "]"), ("{\"a\":", "}"), ("(", ",)"), ("[[", "]]"), ("{\"@x\":[", "]}")];

    private static readonly int[] Depths = [10, 63, 65, 101, 200, 1000, 5000];

    private static readonly string[] LongRuns = ["a", "é", "😀", "\\n", "%s", "{A}", " ", "\\\\"];

    public Random Random => random;

    /// <summary>One to four mutations of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input)
    {
        var data = input;
        var count = 1 + random.Next(4);
        for (var m = 0; m < count; m++)
        {
            data = MutateOnce(data);
            if (data.Length > MaxLength)
            {
                data = data[..MaxLength];
            }
        }

        return data;
    }

    public byte[] MutateOnce(byte[] data)
    {
        if (data.Length == 0)
        {
            return Insert(data, 0, Encoding.UTF8.GetBytes(Pick(tokens)));
        }

        var at = random.Next(data.Length);
        switch (random.Next(13))
        {
            case 0:
                return With(data, at, (byte)(data[at] ^ (1 << random.Next(8))));
            case 1:
                return With(data, at, Pick(InterestingBytes));
            case 2:
                return Replace(data, at, Math.Min(data.Length - at, 1 + random.Next(random.Next(2) == 0 ? 8 : data.Length)), []);
            case 3:
                {
                    var length = Math.Min(data.Length - at, 1 + random.Next(64));
                    var times = Pick([1, 2, 16, 500]);
                    var span = data.AsSpan(at, length).ToArray();
                    var repeated = Enumerable.Repeat(span, Math.Max(1, Math.Min(times, MaxLength / Math.Max(1, length) / 2))).SelectMany(b => b).ToArray();
                    return Insert(data, random.Next(data.Length + 1), repeated);
                }

            case 4:
                {
                    var other = Pick(seeds);
                    var from = other.Length == 0 ? 0 : random.Next(other.Length);
                    return [.. data.AsSpan(0, at), .. other.AsSpan(from)];
                }

            case 5:
                return ReplaceNumber(data);
            case 6:
            case 7:
                return Insert(data, InStringOrAnywhere(data), Encoding.UTF8.GetBytes(Pick(tokens)));
            case 8:
                {
                    var (open, close) = Pick(Nestings);
                    var depth = Pick(Depths);
                    var nested = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
                    return Insert(data, InStringOrAnywhere(data), nested);
                }

            case 9:
                {
                    var run = Pick(LongRuns);
                    var times = Pick([100, 2000, 20_000]) / run.Length;
                    return Insert(data, InStringOrAnywhere(data), Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(run, times))));
                }

            case 10:
                return Insert(data, at, Pick(InvalidUtf8));
            case 11:
                return data[..at];
            default:
                return ReplaceValue(data);
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static byte[] Insert(byte[] data, int at, ReadOnlySpan<byte> inserted) => Replace(data, at, 0, inserted);

    public static byte[] Replace(byte[] data, int at, int length, ReadOnlySpan<byte> with) =>
        [.. data.AsSpan(0, at), .. with, .. data.AsSpan(at + length)];

    private static byte[] With(byte[] data, int at, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[at] = value;
        return copy;
    }

    /// <summary>Right after a quote half of the time (inside a string, mostly), else anywhere.</summary>
    private int InStringOrAnywhere(byte[] data)
    {
        if (random.Next(2) == 0)
        {
            var quotes = Positions(data, b => b == (byte)'"' || b == (byte)'\'');
            if (quotes.Count > 0)
            {
                return Pick(quotes) + 1;
            }
        }

        return random.Next(data.Length + 1);
    }

    /// <summary>A run of digits (with its sign and fraction) replaced by an odd number.</summary>
    private byte[] ReplaceNumber(byte[] data)
    {
        var starts = new List<int>();
        for (var i = 0; i < data.Length; i++)
        {
            if (char.IsAsciiDigit((char)data[i]) && (i == 0 || !char.IsAsciiDigit((char)data[i - 1])))
            {
                starts.Add(i);
            }
        }

        if (starts.Count == 0)
        {
            return Insert(data, random.Next(data.Length + 1), Encoding.ASCII.GetBytes(Pick(OddNumbers)));
        }

        var start = Pick(starts);
        var end = start;
        while (end < data.Length && (char.IsAsciiDigit((char)data[end]) || data[end] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'))
        {
            end++;
        }

        if (start > 0 && data[start - 1] == (byte)'-')
        {
            start--;
        }

        return Replace(data, start, end - start, Encoding.ASCII.GetBytes(Pick(OddNumbers)));
    }

    /// <summary>The value after a random <c>":</c> (up to the next <c>,</c> <c>}</c> <c>]</c>) replaced by a token or a number.</summary>
    private byte[] ReplaceValue(byte[] data)
    {
        var colons = Positions(data, b => b == (byte)':');
        if (colons.Count == 0)
        {
            return ReplaceNumber(data);
        }

        var start = Pick(colons) + 1;
        var end = start;
        var depth = 0;
        var quoted = false;
        while (end < data.Length)
        {
            var b = data[end];
            if (quoted)
            {
                quoted = b != (byte)'"' || data[end - 1] == (byte)'\\';
            }
            else if (b == (byte)'"')
            {
                quoted = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' or (byte)',' && depth-- == 0)
            {
                break;
            }

            end++;
        }

        var value = random.Next(3) switch
        {
            0 => Pick(OddNumbers),
            1 => Pick(["null", "true", "{}", "[]", "\"\"", "[null]", "{\"a\":{}}", "\"\\ud800\"", "\"\\u0000\"", "\"x\"", "[1,\"a\",{}]"]),
            _ => "\"" + Pick(tokens).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        };
        return Replace(data, start, end - start, Encoding.UTF8.GetBytes(value));
    }

    private static List<int> Positions(byte[] data, Func<byte, bool> match)
    {
        var positions = new List<int>();
        for (var i = 0; i < data.Length; i++)
        {
            if (match(data[i]))
            {
                positions.Add(i);
            }
        }

        return positions;
    }
}
