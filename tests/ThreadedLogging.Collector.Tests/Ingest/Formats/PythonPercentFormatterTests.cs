using ThreadedLogging.Collector.Ingest.Formats.Python;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// <c>msg % args</c> as CPython 3.11 computes it; every expected value was checked with python3
/// (<c>python3 -c "print(repr(msg % args))"</c>), args given as <c>str(args)</c> exactly as HTTPHandler sends them.
/// </summary>
public sealed class PythonPercentFormatterTests
{
    public static TheoryData<string, string, string> Rendered => new()
    {
        { "Paid %s", "('alice',)", "Paid alice" },
        { "%s and %s", "('a', 'b')", "a and b" },
        { "%r", "('alice',)", "'alice'" },
        { "%s", "(\"it's\",)", "it's" },
        { "%r", "(\"it's\",)", "\"it's\"" },
        { "%s", "('say \"hi\" it\\'s',)", "say \"hi\" it's" },
        { "%s", "('tab\\there\\nnew line \\\\ back',)", "tab\there\nnew line \\ back" },
        { "%s", "('caf\u00e9 \\x00 \\u200b \\U0001f600',)", "caf\u00e9 \0 \u200b \U0001F600" },
        { "%d items", "(42,)", "42 items" },
        { "%d", "(-7,)", "-7" },
        { "%d", "(3.99,)", "3" },
        { "%d", "(True,)", "1" },
        { "%i|%u", "(5, 6)", "5|6" },
        { "%5d|%-5d|%05d", "(42, 42, -42)", "   42|42   |-0042" },
        { "%+d % d", "(5, 5)", "+5  5" },
        { "%.3d", "(7,)", "007" },
        { "%x %X %o %#x %#o", "(255, 255, 8, 255, 8)", "ff FF 10 0xff 0o10" },
        { "%o %#o %o %o", "(123456789012345678901234567890, -18446744073709551616, 7, 0)", "143564417755415637016711617605322 -0o2000000000000000000000 7 0" },
        { "%d", "(123456789012345678901234567890,)", "123456789012345678901234567890" },
        { "%.2f", "(3.14159,)", "3.14" },
        { "%f", "(1.5,)", "1.500000" },
        { "%.0f", "(2.5,)", "2" },
        { "%.1f", "(0.05,)", "0.1" },
        { "%8.3f|", "(-3.14159,)", "  -3.142|" },
        { "%e", "(12345.678,)", "1.234568e+04" },
        { "%.2E", "(0.000123,)", "1.23E-04" },
        { "%g %g %g", "(100000.0, 1000000.0, 0.0001)", "100000 1e+06 0.0001" },
        { "%g", "(1e-05,)", "1e-05" },
        { "%.3g", "(3.14159,)", "3.14" },
        { "%f", "(inf,)", "inf" },
        { "%f", "(10,)", "10.000000" },
        { "%s", "(1e+16,)", "1e+16" },
        { "%s %s", "(0.1, 100.0)", "0.1 100.0" },
        { "%s %r", "(None, None)", "None None" },
        { "%s %s", "(True, False)", "True False" },
        { "%s", "([1, 'a', None],)", "[1, 'a', None]" },
        { "%s", "((1, 2),)", "(1, 2)" },
        { "%s", "({'k': 'v'},)", "{'k': 'v'}" },
        { "%s", "(b'raw',)", "b'raw'" },
        { "%s", "({1, 2},)", "{1, 2}" },
        { "100%% done by %s", "('bob',)", "100% done by bob" },
        { "%(user)s paid %(amount).2f", "{'user': 'alice', 'amount': 12.5}", "alice paid 12.50" },
        { "%(user)r", "{'user': \"o'neil\"}", "\"o'neil\"" },
        { "%(a)s %%", "{'a': 1, 'b': 2}", "1 %" },
        { "no args here", "{'unused': 1}", "no args here" },
        { "%5s|%-5s|%.2s", "('ab', 'ab', 'abcdef')", "   ab|ab   |ab" },
        { "%*d|%-*d|%.*f", "(4, 7, 4, 7, 2, 3.14159)", "   7|7   |3.14" },
        { "%c%c", "(65, 'b')", "Ab" },
        { "%a", "('caf\u00e9',)", "'caf\\xe9'" },
        { "%ld %hd", "(1, 2)", "1 2" },
        { "%c|%c", "(True, False)", "\u0001|\0" },
        { "%s %(a)s", "{'a': 1}", "{'a': 1} 1" },
        // Empty args: LogRecord.getMessage skips the % operator, so "%%" stays as it is.
        { "100%% literal %s", "()", "100%% literal %s" },
        { "plain", "", "plain" },
        { "%s", "{}", "%s" },
    };

    public static TheoryData<string, string> Unrenderable => new()
    {
        { "%s %s", "('only one',)" },
        { "%s", "('a', 'b')" },
        { "%d", "('text',)" },
        { "%f", "(None,)" },
        { "%x", "(1.5,)" },
        { "%d", "(inf,)" },
        { "%(missing)s", "{'user': 'alice'}" },
        { "%(user)s", "('alice',)" },
        { "%y", "(1,)" },
        { "trailing %", "(1,)" },
        { "%s", "(datetime.datetime(2026, 11, 24, 10, 0),)" },
        { "%s", "(<object object at 0x7f0>,)" },
        { "%s", "('unterminated,)" },
        { "%c", "('ab',)" },
        // Found by differential fuzzing against CPython: '%' is a percent sign only as "%%" itself.
        { "%5%", "(1,)" },
        { "%(a)%", "{'a': 1}" },
        { "%*%", "(5,)" },
        { "x %-%", "('a',)" },
        { "%lld", "(1,)" },
        { "%hld", "(1,)" },
        { "%f", "(1" + new string('0', 309) + ",)" },
        { "%.e", "(-" + new string('7', 400) + ",)" },
        { "%(a)s %s", "{'a': 1}" },
        { "%s %(a)s %s", "{'a': 1}" },
    };

    [Theory]
    [MemberData(nameof(Rendered))]
    public void TryRender_PythonArgs_RendersLikePython(string msg, string args, string expected)
    {
        Assert.True(PythonPercentFormatter.TryRender(msg, args, 1 << 20, out var message));
        Assert.Equal(expected, message);
    }

    [Theory]
    [MemberData(nameof(Unrenderable))]
    public void TryRender_WherePythonRaises_ReturnsFalseAndKeepsMsg(string msg, string args)
    {
        Assert.False(PythonPercentFormatter.TryRender(msg, args, 1 << 20, out var message));
        Assert.Equal(msg, message);
    }

    [Fact]
    public async Task TryRender_TableAgreesWithCPython()
    {
        // Cross-check the whole table against the real interpreter in one run.
        var rows = Rendered.Select(row => new[] { (string)row[0], (string)row[1], (string)row[2] }).ToArray();
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllText(input, System.Text.Json.JsonSerializer.Serialize(rows));
            await PythonProcess.RunAsync(
                """
                import sys, json, logging
                bad = []
                for msg, args, expected in json.load(open(sys.argv[1], encoding='utf-8')):
                    record = logging.LogRecord('n', 20, 'p', 1, msg, None, None)
                    record.args = eval(args, {'inf': float('inf'), 'nan': float('nan')}) if args else None
                    if record.args is not None and not isinstance(record.args, (tuple, dict)):
                        record.args = (record.args,)
                    got = record.getMessage()
                    if got != expected: bad.append((msg, args, got, expected))
                if bad:
                    print(bad, file=sys.stderr); sys.exit(1)
                """,
                input);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void TryRender_WidthsRepeatedPastTheLimit_CutAtTheLimitWithMarker()
    {
        // Issue 15 §2: 15 KB of form rendered to 100,000,000 characters.
        var msg = string.Concat(Enumerable.Repeat("%100000s", 1000));
        var args = "(" + string.Join(", ", Enumerable.Repeat("'a'", 1000)) + ")";

        Assert.True(PythonPercentFormatter.TryRender(msg, args, 4096, out var message));

        Assert.Equal(new string(' ', 4096) + PythonPercentFormatter.TruncationMarker, message);
    }

    [Theory]
    [InlineData("%(a)s%(a)s%(a)s", "{'a': 'xyz'}", 5, "xyzxy", true)]
    [InlineData("%.100000d", "(1,)", 8, "00000000", true)]
    [InlineData("%.100000f", "(1.5,)", 8, "1.500000", true)]
    [InlineData("%-100000d|", "(7,)", 3, "7  ", true)]
    [InlineData("%s", "('abcdef',)", 6, "abcdef", false)]
    public void TryRender_OutputAgainstLimit_CutThereWithMarkerOrWhole(string msg, string args, int limit, string expected, bool cut)
    {
        Assert.True(PythonPercentFormatter.TryRender(msg, args, limit, out var message));

        Assert.Equal(cut ? expected + PythonPercentFormatter.TruncationMarker : expected, message);
    }

    [Theory]
    [InlineData("%.1s|", "('😀',)", "😀|")]
    [InlineData("%5s|", "('😀',)", "    😀|")]
    [InlineData("%-3.2s|", "('é😀a',)", "é😀 |")]
    [InlineData("%3c|", "('😀',)", "  😀|")]
    [InlineData("%4r|", "('😀',)", " '😀'|")]
    public void TryRender_AstralCharacterWithPrecisionOrWidth_CountsCodePointsAsPython(string msg, string args, string expected)
    {
        // Found by the fuzzer: '%.1s' kept half of a surrogate pair (a string with no UTF-8 form, stored as U+FFFD).
        Assert.True(PythonPercentFormatter.TryRender(msg, args, 1 << 20, out var message));

        Assert.Equal(expected, message);
    }

    [Fact]
    public void TryRender_LimitFallsInsideASurrogatePair_CutBeforeThePair()
    {
        Assert.True(PythonPercentFormatter.TryRender("%s", "('a😀',)", 2, out var message));

        Assert.Equal("a" + PythonPercentFormatter.TruncationMarker, message);
    }

    [Fact]
    public void TryRender_IntLongerThanCPythonPrints_NotRenderedMsgKept()
    {
        // Issue 15 §3: %o of a 120,000-digit int took 14 s of CPU; CPython itself refuses str() of > 4300 digits.
        var args = "(" + new string('9', 120_000) + ",)";

        Assert.False(PythonPercentFormatter.TryRender("%o %d %x", args, 1 << 20, out var message));
        Assert.Equal("%o %d %x", message);
        Assert.True(PythonPercentFormatter.TryRender("%d", "(" + new string('9', 4300) + ",)", 1 << 20, out message));
        Assert.Equal(new string('9', 4300), message);
    }
}
