using System.Text;

namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>
/// Strict <c>application/x-www-form-urlencoded</c> (what <c>urllib.parse.urlencode</c> makes): '+' is
/// a space, %XX a byte, and the decoded bytes must be UTF-8. The last of repeated names wins.
/// </summary>
internal static class FormUrlEncoded
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Dictionary<string, string> Parse(ReadOnlySpan<char> text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.StartsWith("?"))
        {
            text = text[1..];
        }

        var scratch = new List<byte>(256);
        foreach (var range in text.Split('&'))
        {
            var pair = text[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var name = Decode(eq >= 0 ? pair[..eq] : pair, scratch);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..], scratch) : string.Empty;
            fields[name] = value;
        }

        return fields;
    }

    private static string Decode(ReadOnlySpan<char> encoded, List<byte> bytes)
    {
        bytes.Clear();
        Span<byte> utf8 = stackalloc byte[4];
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
            else if (c > 0x7F)
            {
                var length = Encoding.UTF8.GetBytes(encoded.Slice(i, char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1), utf8);
                for (var b = 0; b < length; b++)
                {
                    bytes.Add(utf8[b]);
                }

                i += char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 1 : 0;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            return StrictUtf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
        }
        catch (DecoderFallbackException e)
        {
            throw new IngestRejectedException(StatusCodes.Status400BadRequest, "malformed form data: a field is not valid UTF-8", e);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
