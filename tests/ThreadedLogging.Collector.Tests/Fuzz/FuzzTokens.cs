namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>The tokens the mutators insert: each format's syntax and the inputs its parser treats specially.</summary>
internal static class FuzzTokens
{
    /// <summary>JSON syntax, escapes (lone surrogates, NUL, bad escapes) and values of the wrong kind.</summary>
    public static readonly string[] Json =
    [
        "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud800\\ud800", "\\ud83d\\ude00", "\\udbff\\udfff", "\\u0000", "\\x41", "\\'", "\\/", "\\uD800\\u",
        "null", "true", "false", "[]", "{}", "[", "]", "{", "}", ",", ":", "\":", "\",\"", "1e999", "-0", "\"\"", "é😀", "\u2028",
        "\"level\":\"Loud\"", "\"level\":6", "\"timestamp\":\"10000-01-01T00:00:00Z\"", "\"timestamp\":\"0001-01-01T00:00:00+14:00\"",
        "\"timestamp\":\"9999-12-31T23:59:59.9999999-14:00\"", "\"timestamp\":\"2026-11-30T10:00:00\"", "\"timestamp\":\"2026-13-45T25:61:61Z\"",
        "\"sequence\":-9223372036854775808", "\"eventId\":1.5", "\"exception\":\"System.Exception: x ---> \"", "\"properties\":[]", "\"scopes\":{}",
        "\"@t\":\"2026-11-30T10:00:00Z\"", "\"@mt\":\"{A}\"", "\"message\":null", "\"events\":[{}]", "\"events\":null",
    ];

    /// <summary>CLEF fields and Serilog template holes (alignments and formats at the edges of int).</summary>
    public static readonly string[] Template =
    [
        "{A}", "{D}", "{S}", "{Arr}", "{Employee}", "{@A}", "{$A}", "{A:l}", "{S:l}", "{A:j}", "{Arr:j}", "{A,5}", "{A,-5}", "{A,0}", "{A,+5}",
        "{A,2147483647}", "{A,-2147483648}", "{A,-2147483647}", "{A,1000000000}", "{A,99999999999}", "{S,100000000}", "{A:D999999999}",
        "{A:D1000000000}", "{D:E999999999}", "{D:F999999999}", "{A:N99999}", "{A:X999999}", "{D:R}", "{A:" + new string('0', 1000) + "}",
        "{A,}", "{A:}", "{,5}", "{}", "{{", "}}", "{", "}", "{A", "A}", "{ A }", "{A,5:0.00}", "{A,-0}", "{0}", "{$type}", "{A:{B}}", "{{A}}",
        "{Missing}", "{Missing,5}", "{A,5:x}", "{é}", "{A😀}",
    ];

    public static readonly string[] Clef =
    [
        .. Json, .. Template,
        "\"@l\":\"Fatal\"", "\"@l\":\"Loud\"", "\"@l\":1", "\"@r\":[\"1\"]", "\"@r\":\"x\"", "\"@r\":[1,null]", "\"@i\":\"1a2b3c4d\"", "\"@i\":-1",
        "\"@i\":1e999", "\"@i\":{}", "\"@x\":\"System.Exception: boom\"", "\"@x\":1", "\"@tr\":1", "\"@sp\":\"\"", "\"@@x\":1", "\"@m\":null",
        "\"SourceContext\":[]", "\"UserName\":1.5", "\"Application\":{}", "\"$type\":\"T\"", "\"@t\":\"yesterday\"", "\"@t\":null",
    ];

    public static readonly string[] SeqJson =
    [
        .. Clef, "\"Events\":[]", "\"Events\":{}", "\"Properties\":[]", "\"Properties\":{\"@t\":1}", "\"Level\":\"Loud\"", "\"Timestamp\":1",
        "\"MessageTemplate\":\"{A,2147483647}\"", "\"Exception\":{}",
    ];

    public static readonly string[] OtlpJson =
    [
        .. Json, .. Template,
        "\"timeUnixNano\":\"18446744073709551615\"", "\"timeUnixNano\":\"18446744073709551616\"", "\"timeUnixNano\":-1", "\"timeUnixNano\":1.5",
        "\"severityNumber\":\"SEVERITY_NUMBER_FATAL\"", "\"severityNumber\":-1", "\"severityNumber\":2147483648", "\"traceId\":\"\"",
        "\"traceId\":\"5b8efff798038103d269b633813fc60\"", "\"traceId\":\"5B8EFFF798038103D269B633813FC60C\"", "\"traceId\":\"====\"",
        "\"spanId\":\"eee19b7ec3c1b17\"", "\"intValue\":\"9223372036854775808\"", "\"intValue\":\"1e3\"", "\"doubleValue\":\"NaN\"",
        "\"doubleValue\":\"Infinity\"", "\"doubleValue\":\"-Infinity\"", "\"bytesValue\":\"!!\"", "\"bytesValue\":\"AAE=\"", "\"kvlistValue\":{}",
        "\"arrayValue\":{\"values\":[{}]}", "\"body\":{}", "\"flags\":4294967296", "\"@type\":\"x\"", "\"resourceLogs\":null",
    ];

    /// <summary>printf directives CPython accepts or refuses: widths and precisions at their limits, '*', mappings, lengths, unknown letters.</summary>
    public static readonly string[] PercentDirectives =
    [
        "%", "%%", "%s", "%r", "%a", "%d", "%i", "%u", "%o", "%x", "%X", "%e", "%E", "%f", "%F", "%g", "%G", "%c", "%(a)s", "%(a)d", "%(user)s",
        "%(", "%(a", "%()s", "%((a))s", "%(a)*d", "%*d", "%.*f", "%-*.*s", "%*.*d", "%#o", "%#x", "%#X", "%#.0e", "%#.0f", "%#g", "%+d", "% d",
        "%05d", "%-05d", "%-5d", "%.3s", "%.1s", "%.0s", "%100000s", "%100001s", "%.100000f", "%.100000g", "%.100000e", "%.100000d",
        "%2147483648d", "%99999999999d", "%.99999999999d", "%.2147483647f", "%ld", "%lld", "%hd", "%Lf", "%z", "%é", "%😀", "%.1c", "%5c",
        "%-+ #0d", "%.e", "%.g", "%.0g", "%.17g", "%.*s", "%(a)%", "%*%",
    ];

    /// <summary>The <c>str()</c> of <c>record.args</c> as CPython prints it, and texts that only look like it.</summary>
    public static readonly string[] PythonArgs =
    [
        "()", "(1,)", "(1, 2, 3)", "('a',)", "('😀',)", "('é😀a',)", "(1e999,)", "(inf, -inf, nan)", "(-0.0, 0.1, 1e-320, 1.7976931348623157e+308)",
        "('\\U0010ffff',)", "('\\U00110000',)", "('\\ud800',)", "('\\udc00\\ud800',)", "('\\x',)", "('\\u12',)", "('\\N{BULLET}',)", "(b'\\xff',)",
        "(b'',)", "({1, 2},)", "({},)", "([],)", "((),)", "([1, [2, [3]]],)", "(True, False, None)", "(True,)", "(None,)", "{'a': 1}",
        "{'a': {'b': 2}}", "{'a': '%s'}", "{1: 'a'}", "{'user': 'x', 'amount': 1.5, 'n': 255}", "{}", "(datetime.datetime(2024, 1, 1, 0, 0),)",
        "(" + new string('7', 4300) + ",)", "(" + new string('7', 4301) + ",)", "(-" + new string('9', 4300) + ",)", "(0x10,)", "(1_000,)",
        "('a' 'b',)", "(\"it's\",)", "('\\\\',)", "('\\'',)", "('%',)", "('%s',)", "(,)", "(1,,)", "(1 2)", "('unterminated,)",
        new string('(', 40) + "1" + string.Concat(Enumerable.Repeat(",)", 40)), new string('[', 5000) + new string(']', 5000),
        "(1114111,)", "(1114112,)", "(55296,)", "(-1,)", "(2147483648,)", "('ab',)", "('',)", "(1.5,)", "(100000, 'a')", "(-100001, 1)",
    ];

    /// <summary>Items of an args tuple, as <c>repr()</c> prints them: astral characters, edge numbers, other kinds.</summary>
    public static readonly string[] PythonArgItems =
    [
        "'😀'", "'é😀a'", "'a😀'", "'\\U0001f600'", "'\\ud800'", "1", "-1", "0", "1.5", "-0.0", "inf", "-inf", "nan", "1e300", "True", "None", "b'x'",
        "[1]", "{'a': 1}", "(1,)", "1114111", "55296", "'ab'", "''", "2147483648", "-100001", new string('7', 4300), "1e-320", "'%s'",
        "\"it's\"", "'a\"b'", "'it\\'s \"q\"'", "'\\x00\\t\\n\\x7f'", "'\\u200b'", "'\\\\'", "b'\\xff\\x00'", "b\"'\"", "1e+16", "1e-05",
        "0.1", "123456789.0", "5e-324", "1.7976931348623157e+308", "{1, 2}", "frozenset()", "set()", "{1: 'a', (2,): None}", "[(), [], {}]",
        "(1, (2, (3, (4,))))", "'é'", "'ÿ'", "'\\x80'", "'Ā'", "255", "-255", "65", "0.5", "-1e-07", "100.0",
    ];

    public static readonly string[] PythonForm = [.. PercentDirectives, .. PythonArgs, "&", "=", "+", "%", "%zz", "%C3%28", "%ED%A0%80", "%00", "&msg=", "&args=", "&&", "=="];
}
