using System.Globalization;
using System.Text;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A position in the users list: the sort key (ticks; unused when sorting by name) and the user of the
/// last row of a page. Opaque to clients (base64url text): they pass back the <c>next</c> they were given.
/// </summary>
internal readonly record struct UserCursor(long Key, string User)
{
    public override string ToString() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Key.ToString(CultureInfo.InvariantCulture) + "|" + User))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The longest cursor text for user names of up to <paramref name="maxUserLength"/> UTF-16 code units (as ingest
    /// stores them): the longest key (20 characters), the bar, 3 UTF-8 bytes a code unit, in base64url without padding.
    /// </summary>
    public static int LongestText(int maxUserLength) => (int)((((20L + 1 + (3L * maxUserLength)) * 4) + 2) / 3);

    public static bool TryParse(string? text, out UserCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(bytes, 0, written);
        var bar = decoded.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 || !long.TryParse(decoded.AsSpan(0, bar), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key))
        {
            return false;
        }

        cursor = new UserCursor(key, decoded[(bar + 1)..]);
        return true;
    }
}
