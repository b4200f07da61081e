using System.Net;

namespace ThreadedLogging;

/// <summary>
/// <see cref="ThreadedHttpHandlerOptions.Proxy"/>: checked at start (<see cref="Check"/>) and applied to the sink's
/// <see cref="SocketsHttpHandler"/> (<see cref="Apply"/>).
/// </summary>
internal static class HttpProxySetting
{
    /// <summary>The value that sends every request directly, whatever the system's proxy.</summary>
    public const string None = "none";

    /// <summary>The proxy schemes <see cref="SocketsHttpHandler"/> speaks.</summary>
    private static readonly string[] Schemes = ["http", "socks4", "socks4a", "socks5"];

    /// <summary>Refuses a value that is neither <c>none</c> nor a proxy's URL, naming the option (and never its password).</summary>
    /// <exception cref="ArgumentException">The value is not <c>none</c> nor an absolute http/socks URL of a host, with at most a port and credentials.</exception>
    public static void Check(string? proxy)
    {
        if (proxy is null || IsNone(proxy))
        {
            return;
        }

        if (!Uri.TryCreate(proxy, UriKind.Absolute, out var uri)
            || !Schemes.Contains(uri.Scheme, StringComparer.Ordinal)
            || uri.Host.Length == 0
            || uri.PathAndQuery != "/"
            || uri.Fragment.Length > 0)
        {
            throw new ArgumentException(
                $"Proxy must be null (the system's proxy), '{None}' (no proxy) or a proxy's URL such as http://proxy.corp:3128, http://user:password@proxy.corp:3128 or socks5://proxy.corp:1080 (was '{Shown(proxy)}').",
                nameof(ThreadedHttpHandlerOptions.Proxy));
        }
    }

    /// <summary>
    /// Sets how <paramref name="handler"/> reaches the receiver: through the proxy named, directly for
    /// <c>none</c>, and by default through the system's proxy (<see cref="HttpClient.DefaultProxy"/>) unless the host
    /// is loopback (<paramref name="loopbackHost"/>; as browsers do: a proxy cannot reach this machine's loopback, and a developer's collector is there).
    /// </summary>
    public static void Apply(SocketsHttpHandler handler, string? proxy, bool loopbackHost)
    {
        if (proxy is null)
        {
            handler.UseProxy = !loopbackHost; // with Proxy left null, UseProxy means HttpClient.DefaultProxy
            return;
        }

        if (IsNone(proxy))
        {
            handler.UseProxy = false;
            return;
        }

        var uri = new Uri(proxy);
        var webProxy = new WebProxy(new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
            var password = colon < 0 ? string.Empty : uri.UserInfo[(colon + 1)..];
            webProxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
        }

        handler.UseProxy = true;
        handler.Proxy = webProxy;
    }

    private static bool IsNone(string proxy) => string.Equals(proxy, None, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value with the password of its credentials, if any, replaced by <c>***</c>.</summary>
    private static string Shown(string proxy)
    {
        var scheme = proxy.IndexOf("://", StringComparison.Ordinal);
        var at = proxy.LastIndexOf('@');
        var colon = scheme < 0 || at < 0 ? -1 : proxy.IndexOf(':', scheme + 3);
        return colon >= 0 && colon < at ? proxy[..(colon + 1)] + "***" + proxy[at..] : proxy;
    }
}
