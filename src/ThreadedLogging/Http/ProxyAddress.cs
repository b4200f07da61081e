using System.Buffers;
using System.Net;

namespace ThreadedLogging;

/// <summary>
/// A proxy's address with credentials (<c>http://user:password@proxy.corp:3128</c>, percent-encoded), read and shown the
/// same way by the client's <c>Proxy</c> option (<see cref="HttpProxySetting"/>) and the collector's
/// <c>Collector:Alerts:WebhookProxy</c> (<c>WebhookProxySetting</c>): this file is linked into the collector, which does
/// not reference the client, so a fix lands in both.
/// </summary>
internal static class ProxyAddress
{
    /// <summary>What a scheme's name holds after its first letter (RFC 3986, 3.1).</summary>
    private static readonly SearchValues<char> SchemeCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    /// <summary>
    /// <paramref name="address"/> as an error shows it: its credentials, if any, replaced by <c>***</c> — everything
    /// between <c>://</c> (or the start) and the last <c>@</c>, the user name too, as some proxies take a token as the
    /// user name (<c>http://APIKEY:@proxy…</c>, <c>http://TOKEN@proxy…</c>) — so that a value whose scheme is misspelt
    /// (<c>http:/ops:secret@…</c>, <c>ops:secret@…</c>) shows none either. Control characters are written as
    /// <c>\u000d</c>: a setting with a line break printed raw into the log line that quotes it (log forging: a second,
    /// made-up line).
    /// </summary>
    public static string Masked(string address)
    {
        var at = address.LastIndexOf('@');
        if (at >= 0)
        {
            var start = AuthorityStart(address);
            address = address[..(start < at ? start : 0)] + "***" + address[at..];
        }

        return Escaped(address);
    }

    /// <summary>
    /// Where <paramref name="address"/>'s part after its scheme starts: after the first <c>://</c> when what precedes it is a
    /// scheme's name (RFC 3986: a letter, then letters, digits, '+', '-' or '.'), else 0. A password may hold <c>://</c>
    /// (<c>ops:pa://ss@proxy…</c>, with no scheme or one misspelt): taken for the scheme's end, the user name and the
    /// password's start were shown.
    /// </summary>
    public static int AuthorityStart(string address)
    {
        var end = address.IndexOf("://", StringComparison.Ordinal);
        return end > 0 && char.IsAsciiLetter(address[0]) && !address.AsSpan(1, end - 1).ContainsAnyExcept(SchemeCharacters) ? end + 3 : 0;
    }

    /// <summary>
    /// <paramref name="text"/> with each control character (C0, DEL, C1: U+0085 is a line break too) and the Unicode line
    /// and paragraph separators written as <c>\uXXXX</c>, as the client's options show theirs.
    /// </summary>
    private static string Escaped(string text)
    {
        if (!text.Any(BreaksALine))
        {
            return text;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = BreaksALine(c) ? escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static bool BreaksALine(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>The address of <paramref name="proxy"/> without its user part: what the handler connects to and messages quote.</summary>
    public static Uri WithoutUserInfo(Uri proxy) => new UriBuilder(proxy) { UserName = string.Empty, Password = string.Empty }.Uri;

    /// <summary>
    /// The user and password in <paramref name="proxy"/>'s user part, percent-decoded (<c>user</c> alone: an empty
    /// password); null when it has none.
    /// </summary>
    public static NetworkCredential? CredentialsOf(Uri proxy)
    {
        if (proxy.UserInfo.Length == 0)
        {
            return null;
        }

        var colon = proxy.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? proxy.UserInfo : proxy.UserInfo[..colon];
        var password = colon < 0 ? string.Empty : proxy.UserInfo[(colon + 1)..];
        return new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
    }
}
