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
    /// <summary>
    /// <paramref name="address"/> as an error shows it: its credentials, if any, replaced by <c>***</c> — everything
    /// between <c>://</c> (or the start) and the last <c>@</c>, the user name too, as some proxies take a token as the
    /// user name (<c>http://APIKEY:@proxy…</c>, <c>http://TOKEN@proxy…</c>) — so that a value whose scheme is misspelt
    /// (<c>http:/ops:secret@…</c>, <c>ops:secret@…</c>) shows none either.
    /// </summary>
    public static string Masked(string address)
    {
        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            return address;
        }

        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return address[..start] + "***" + address[at..];
    }

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
