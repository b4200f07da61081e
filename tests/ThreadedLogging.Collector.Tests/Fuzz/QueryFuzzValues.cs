using System.Globalization;
using System.Text;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded hostile values for the read side's parameters, already percent-encoded for a query string:
/// valid ones, mutated valid ones, full-text syntax of SQLite FTS5 and PostgreSQL, numbers and times at
/// and past their limits, and raw percent-encoding edge cases (NUL, lone surrogates, overlong UTF-8).
/// </summary>
internal sealed class QueryFuzzValues(Random random)
{
    /// <summary>What a parameter holds, so that its valid values are drawn from the right pool.</summary>
    public enum Kind
    {
        Text,
        Level,
        Levels,
        Time,
        Search,
        Number,
        EventCursor,
        UserCursor,
        Sort,
        Format,
        TraceId,
        Bool,
    }

    private static readonly string[] Fragments =
    [
        "\"", "\"\"", "(", ")", "((", ")(", "NEAR(", "NEAR(a b, 2)", "NEAR/3", "*", "**", "a*b", "^", "^a", ":", "message:", "exception:",
        "{message exception}:", "AND", "OR", "NOT", "-", "+", "a\"b", "\0", "a\0b", "\uD800", "\uDC00", "\uFFFF", "'", "';--", "%", "_", "\\",
        "e\u0301", "\u202E", "😀", "İ", "ß", "ﬁ", "\t", "\r\n", " ", "..", "/", "<script>alert(1)</script>", "&", "=", "#", "?", "|", "!",
        "&&", "||", "<->", "<2>", ":*", "a:*", "@@", "$1", "::text", "`", "\u3000", "\u0085", "ª", "²", "٣",
    ];

    private static readonly string[] RawFragments =
    [
        "%00", "%ED%A0%80", "%ED%B0%80", "%C0%80", "%C0%AF", "%FF", "%FE%FF", "%", "%2", "%zz", "%%", "%u0041", "+", "%2B", "%26", "%3D",
        "%2541", "%E2%80", "%F4%90%80%80", "%EF%BF%BE", "%0D%0A", "%09",
    ];

    private static readonly string[] Numbers =
    [
        "-1", "0", "1", "2", "20", "50", "100", "200", "201", "999", "1000", "1001", "2147483647", "2147483648", "-2147483648",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "NaN", "Infinity", "-Infinity",
        "1e3", "1E2", "1e999", "0x10", "+5", "05", " 5", "5 ", "1.0", "1,000", "٥", "１", "00000000000000000000000000001", "4294967296", "-0",
    ];

    private static readonly string[] Times =
    [
        "2026-11-24T10:00:00Z", "2026-11-24T10:00:00+05:30", "2026-11-24T10:00:00-14:00", "2026-11-24", "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59+14:00", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2248-09-26T15:10:22.207Z", "2300-01-01",
        "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z", "2026-11-24T10:00:00.99999999999Z", "-0001-01-01", "10000-01-01T00:00:00Z",
        "1764000000", "now", "today", "2026-11-24T10:00:00+99:00", "2026-W48-1", "24/11/2026", "Tue, 24 Nov 2026 10:00:00 GMT",
        "2026-11-24T10:00:00.000+00:00", "2026-11-24 10:00", "T10:00", "2026-11-24T10:00:00Zjunk",
    ];

    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "warn", "INFO", "FATAL", "0", "5", "6", "-1", "None", "Loud"];

    private static readonly string[] Words = ["invoice", "rejected", "paid", "bank", "IOException", "pay.py", "System.IO", "inv*", "\"rejected by bank\"", "\"rejected by ba\"*", "alice", "Payroll",
        "éé*", "日本*", "ªª*", "ⅫⅫ*", "x²*", "٣٣*", "ǅǅ*", "ß*", "İİ*", "a\u0301*", "\"a b\"*", "ﬁﬁ*", "\"日本 語\"", "Ⅻ", "ǅ",
        "cafe", "café", "CAFÉ", "cafe\u0301", "caf*", "cafè*", "réglée", "reglee", "\"crème br\"*", "\"creme brulee\"", "\"réglée au café\"", "besancon",
        "Besançon", "àà*", "a", "à", "facture", "ǖ", "ø", "æ",
        // Values of the seeded properties and scopes (found), and their names (not found).
        "EU", "unï", "ÜNÏ", "1000", "\"1 50\"", "12345678901234567890", "\"request r\"*", "r-9", "OrderId", "zeta", "Region", "nightly"];

    public string[] TextValues { get; set; } = ["alice", "Payroll", "PC-1", "inst-1", "alice/PC-1", "bob"];

    public string[] EventCursors { get; set; } = ["1"];

    public string[] UserCursors { get; set; } = ["MXxh"];

    private int Next(int max) => random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A percent-encoded value of <paramref name="kind"/>.</summary>
    public string Value(Kind kind)
    {
        var encoded = Next(10) switch
        {
            < 3 => Encode(Valid(kind)),
            < 5 => Encode(Mutate(Valid(kind))),
            < 7 => Encode(Compose()),
            7 => Encode(Pick(Numbers)),
            8 => Encode(Pick(Times)),
            _ => Encode(Big(kind)),
        };
        return Next(6) switch
        {
            0 => Pick(RawFragments) + encoded,
            1 => encoded + Pick(RawFragments),
            _ => encoded,
        };
    }

    /// <summary>A valid value, drawn from what the parameter accepts.</summary>
    public string Valid(Kind kind) => kind switch
    {
        Kind.Level => Pick(Levels),
        Kind.Levels => string.Join(Pick([",", ", ", ",,", " , "]), Enumerable.Range(0, 1 + Next(4)).Select(_ => Pick(Levels))),
        Kind.Time => Pick(Times),
        Kind.Search => string.Join(' ', Enumerable.Range(0, 1 + Next(3)).Select(_ => Pick(Words))),
        Kind.Number => Pick(Numbers),
        Kind.EventCursor => Pick(EventCursors),
        Kind.UserCursor => Pick(UserCursors),
        Kind.Sort => Pick(["lastSeen", "latestError", "name", "NAME", "LastSeen", "1", "-1", "0", "99", "lastSeen,name"]),
        Kind.Format => Pick(["ndjson", "csv", "CSV", "NdJson", "json", "xlsx", "csv,ndjson", ""]),
        Kind.TraceId => Pick(["4bf92f3577b34da6a3ce929d0e0e4736", "4BF92F3577B34DA6A3CE929D0E0E4736", "0af7651916cd43dd8448eb211c80319c", "00000000000000000000000000000000", "4bf92f3577b34da6"]),
        Kind.Bool => Pick(["true", "false", "True", "FALSE", "1", "yes", ""]),
        _ => Pick(TextValues),
    };

    /// <summary>Byte flips, truncation, duplication, insertion of syntax, case swaps.</summary>
    public string Mutate(string value)
    {
        if (value.Length == 0)
        {
            return Pick(Fragments);
        }

        var at = Next(value.Length);
        return Next(7) switch
        {
            0 => value[..at] + (char)Next(0x10000) + value[(at + 1)..],
            1 => value[..at],
            2 => value + value,
            3 => value[..at] + Pick(Fragments) + value[at..],
            4 => value.Remove(at, 1),
            5 => value.ToUpperInvariant(),
            _ => value[..at] + (char)(value[at] ^ (1 << Next(16))) + value[(at + 1)..],
        };
    }

    /// <summary>Words and full-text syntax in odd places.</summary>
    public string Compose() =>
        string.Join(Pick([" ", "", "  ", "\t"]), Enumerable.Range(0, 1 + Next(6)).Select(_ => Next(3) == 0 ? Pick(Words) : Pick(Fragments)));

    private string Big(Kind kind) => Next(6) switch
    {
        0 => new string('a', 1000 + Next(2)),
        1 => new string('é', 5000),
        2 => string.Join(' ', Enumerable.Range(0, Next(2) == 0 ? 17 : 10_000).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture))),
        3 => string.Concat(Enumerable.Repeat("\"a", 400)),
        4 => string.Concat(Enumerable.Repeat(Valid(kind), 50)),
        _ => new string('(', 999) + "x",
    };

    /// <summary>UTF-8 percent-encoding of everything but unreserved characters (lone surrogates become U+FFFD, as any client sends them).</summary>
    public static string Encode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
