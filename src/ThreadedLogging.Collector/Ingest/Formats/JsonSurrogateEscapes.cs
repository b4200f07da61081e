namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// JSON allows <c>\uD800</c>-style escapes of a lone UTF-16 surrogate (CPython's <c>json.dumps</c> writes
/// them for strings decoded with <c>surrogateescape</c>), but such a string has no UTF-8 form and
/// System.Text.Json refuses to read it. Such an escape is rewritten in place as <c>\uFFFD</c> (the
/// replacement character; the same length, six bytes), as the Python literal path already does: the
/// event is kept with its one unrepresentable character marked, rather than the batch refused.
/// </summary>
internal static class JsonSurrogateEscapes
{
    /// <summary>Returns <paramref name="json"/> itself, or a copy with its escaped lone surrogates replaced when it has any.</summary>
    public static ReadOnlyMemory<byte> Replaced(ReadOnlyMemory<byte> json)
    {
        if (json.Span.IndexOf((byte)'\\') < 0)
        {
            return json;
        }

        var copy = json.ToArray();
        return ReplaceLone(copy) > 0 ? copy : json;
    }

    /// <summary>Replaces every escaped lone surrogate of <paramref name="json"/> with <c>\uFFFD</c>; returns how many.</summary>
    public static int ReplaceLone(Span<byte> json)
    {
        var replaced = 0;
        var i = json.IndexOf((byte)'\\');
        while (i >= 0 && i < json.Length - 1)
        {
            if (json[i + 1] != (byte)'u')
            {
                i = Next(json, i + 2); // "\\", "\"", "\n": the escaped character is never the start of an escape
                continue;
            }

            if (!TryHex4(json, i + 2, out var unit) || !char.IsSurrogate((char)unit))
            {
                i = Next(json, i + 2);
                continue;
            }

            if (char.IsHighSurrogate((char)unit) && TryLowSurrogateAt(json, i + 6))
            {
                i = Next(json, i + 12); // a valid pair
                continue;
            }

            "fffd"u8.CopyTo(json[(i + 2)..]);
            replaced++;
            i = Next(json, i + 6);
        }

        return replaced;
    }

    private static int Next(Span<byte> json, int from)
    {
        if (from >= json.Length)
        {
            return -1;
        }

        var next = json[from..].IndexOf((byte)'\\');
        return next < 0 ? -1 : from + next;
    }

    private static bool TryLowSurrogateAt(Span<byte> json, int at) =>
        at + 1 < json.Length && json[at] == (byte)'\\' && json[at + 1] == (byte)'u'
        && TryHex4(json, at + 2, out var unit) && char.IsLowSurrogate((char)unit);

    private static bool TryHex4(Span<byte> json, int at, out int value)
    {
        value = 0;
        if (at + 4 > json.Length)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var digit = HexValue(json[at + k]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
