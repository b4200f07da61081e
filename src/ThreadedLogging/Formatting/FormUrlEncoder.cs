using System.Text;

namespace ThreadedLogging;

/// <summary>
/// Python's <c>urllib.parse.urlencode</c>: UTF-8, space as <c>+</c>, only <c>A-Z a-z 0-9 _ . - ~</c>
/// left as is. (WebUtility.UrlEncode differs: it keeps <c>!*()</c> and escapes <c>~</c>.)
/// </summary>
internal static class FormUrlEncoder
{
    public static string Encode(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var builder = new StringBuilder(512);
        foreach (var (key, value) in fields)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            Append(builder, key);
            builder.Append('=');
            Append(builder, value);
        }

        return builder.ToString();
    }

    /// <summary>Percent-encodes a path segment (for the url placeholders): like <see cref="Encode"/> but space as <c>%20</c>.</summary>
    public static string EncodePathSegment(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        Append(builder, value, spaceAsPlus: false);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string text, bool spaceAsPlus = true)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or '.' or '-' or '~'))
            {
                builder.Append((char)rune.Value);
            }
            else if (rune.Value == ' ' && spaceAsPlus)
            {
                builder.Append('+');
            }
            else
            {
                var n = rune.EncodeToUtf8(utf8);
                for (var i = 0; i < n; i++)
                {
                    builder.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
