using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ThreadedLogging;

/// <summary>
/// <see cref="ThreadedHttpHandlerOptions.Proxy"/>: checked at start (<see cref="Check"/>) and applied to the sink's
/// <see cref="SocketsHttpHandler"/> (<see cref="Apply"/>).
/// </summary>
internal static partial class HttpProxySetting
{
    /// <summary>The value that sends every request directly, whatever the system's proxy.</summary>
    public const string None = "none";

    /// <summary>The proxy schemes <see cref="SocketsHttpHandler"/> speaks.</summary>
    private static readonly string[] Schemes = ["http", "https", "socks4", "socks4a", "socks5"];

    /// <summary>Refuses a value that is neither <c>none</c> nor a proxy's URL, naming the option (and never its credentials).</summary>
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
                $"Proxy must be null (the system's proxy), '{None}' (no proxy) or a proxy's URL such as http://proxy.corp:3128, http://user:password@proxy.corp:3128 or socks5://proxy.corp:1080 (was '{ProxyAddress.Masked(proxy)}').",
                nameof(ThreadedHttpHandlerOptions.Proxy));
        }
    }

    /// <summary>
    /// Sets how <paramref name="handler"/> reaches the receiver: through the proxy named, directly for <c>none</c>, and by
    /// default through the system's proxy (<see cref="HttpClient.DefaultProxy"/>, with the signed-in user's credentials
    /// for a proxy that asks for Windows authentication) unless <see cref="IsLocal"/> says the host is on this machine
    /// or this network.
    /// </summary>
    public static void Apply(SocketsHttpHandler handler, string? proxy, string host)
    {
        if (proxy is null)
        {
            handler.UseProxy = !IsLocal(host); // with Proxy left null, UseProxy means HttpClient.DefaultProxy
            handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
            return;
        }

        if (IsNone(proxy))
        {
            handler.UseProxy = false;
            return;
        }

        handler.UseProxy = true;
        handler.Proxy = WebProxyOf(proxy);
    }

    /// <summary>
    /// The proxy a checked value (<see cref="Check"/>) names, for a client that takes an <see cref="IWebProxy"/> (the AWS
    /// SDK's): its URL without the credentials, which become the proxy's <see cref="IWebProxy.Credentials"/>; for
    /// <c>none</c>, a proxy that every request bypasses; <see langword="null"/> for <see langword="null"/> (the client's default).
    /// </summary>
    public static WebProxy? WebProxyOf(string? proxy)
    {
        if (proxy is null)
        {
            return null;
        }

        if (IsNone(proxy))
        {
            return new WebProxy(); // no address: WebProxy.IsBypassed is true for every host
        }

        var uri = new Uri(proxy);
        return new WebProxy(ProxyAddress.WithoutUserInfo(uri)) { Credentials = ProxyAddress.CredentialsOf(uri) };
    }

    /// <summary>
    /// Whether the system's proxy is skipped for <paramref name="host"/> (<c>name:port</c>): a loopback host (a proxy cannot
    /// reach this machine's loopback), an address of a private network (10/8, 172.16/12, 192.168/16, 100.64/10, link-local,
    /// IPv6 unique-local and link-local) and a name without a dot — Windows' "bypass the proxy for local addresses", and
    /// what .NET's <c>NO_PROXY</c> cannot say (it takes no ranges such as <c>10.0.0.0/8</c>, no <c>*.</c> patterns). Before
    /// the handler used a proxy at all, it sent to each of them directly; a collector there keeps being reached so.
    /// </summary>
    internal static bool IsLocal(string host)
    {
        if (HttpBatchSink.IsLoopback(host))
        {
            return true;
        }

        var name = HttpBatchSink.HostName(host);
        if (!IPAddress.TryParse(name, out var address))
        {
            return !name.Contains('.', StringComparison.Ordinal);
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] == 10
            || (bytes[0] == 172 && bytes[1] is >= 16 and <= 31)
            || (bytes[0] == 192 && bytes[1] == 168)
            || (bytes[0] == 169 && bytes[1] == 254)
            || (bytes[0] == 100 && bytes[1] is >= 64 and <= 127);
    }

    /// <summary>
    /// <paramref name="text"/> (an exception's message) with the whole user part of every URI in it (<c>user:password</c>,
    /// a token given as the user name, <c>user:</c>) replaced by <c>***</c>: some proxies take a token as the user name.
    /// </summary>
    public static string WithoutCredentials(string text) => UriUserInfo().Replace(text, "://***@");

    // ' is not a stop: it is allowed raw in a URI's user part and .NET's proxy errors quote the URI as given (diff review).
    [GeneratedRegex(@"://[^/@\s""]*@")]
    private static partial Regex UriUserInfo();

    private static bool IsNone(string proxy) => string.Equals(proxy, None, StringComparison.OrdinalIgnoreCase);
}
