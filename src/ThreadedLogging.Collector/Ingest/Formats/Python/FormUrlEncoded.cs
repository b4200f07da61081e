using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Strict <c>application/x-www-form-urlencoded</c> (what <c>urllib.parse.urlencode</c> makes): '+' is
/// a space, %XX a byte, and the decoded bytes must be UTF-8. The last of repeated names wins.
/// </summary>
/// <remarks>
/// Read from the body's bytes (no string of the whole body); the names of a <c>LogRecord</c> and its usual constant
/// values (<see cref="KnownTexts"/>) are the same strings in every record, not new ones.
/// </remarks>
internal static class FormUrlEncoded
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>CPython's <c>LogRecord.__dict__</c> names, ours (docs/WIRE-FORMAT.md §2), and values every record repeats.</summary>
    private static readonly (byte[] Utf8, string Text)[] KnownTexts = [.. new[]
    {
        "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text", "stack_info",
        "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName", "processName", "process",
        "taskName", "message", "asctime", "user", "machine", "app", "revision", "version", "instanceId", "sequence",
        "None", "MainThread", "MainProcess", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "10", "20", "30", "40", "50",
    }.Select(text => (Encoding.UTF8.GetBytes(text), text))];

    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> text)
    {
        var fields = new Dictionary<string, string>(32, StringComparer.Ordinal); // a LogRecord has 20–30 fields
        if (text.StartsWith("?"u8))
        {
            text = text[1..];
        }

        var scratch = new List<byte>(256);
        foreach (var range in text.Split((byte)'&'))
        {
            var pair = text[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf((byte)'=');
            var name = Decode(eq >= 0 ? pair[..eq] : pair, scratch);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..], scratch) : string.Empty;
            fields[name] = value;
        }

        return fields;
    }

    private static string Decode(ReadOnlySpan<byte> encoded, List<byte> bytes)
    {
        bytes.Clear();
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    throw IngestRejectedException.BadRequest("malformed form data: bad percent escape");
                }

                bytes.Add((byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2])));
                i += 2;
            }
            else
            {
                bytes.Add(c);
            }
        }

        var decoded = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        foreach (var (utf8, known) in KnownTexts)
        {
            if (decoded.SequenceEqual(utf8))
            {
                return known;
            }
        }

        try
        {
            return StrictUtf8.GetString(decoded);
        }
        catch (DecoderFallbackException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, "malformed form data: a field is not valid UTF-8", e);
        }
    }

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
