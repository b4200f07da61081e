namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Refuses a browser's cross-origin state change (CSRF): its <c>Origin</c> must be this collector's own — scheme and
/// host as the request came in (https when a listed proxy says so, <see cref="TrustedProxies"/>), or
/// <c>Collector:PublicUrl</c>'s, the address browsers use through a TLS-terminating proxy — or, without <c>Origin</c>, <c>Sec-Fetch-Site</c>
/// must not say another site. Clients that are not browsers send neither and are let through (they carry no cookie).
/// </summary>
internal static class SameOrigin
{
    /// <summary>Returns why the request is refused, or null.</summary>
    public static string? Refuses(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            var own = $"{request.Scheme}://{request.Host.Value}";
            var publicOrigin = PublicOrigin(request);
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, publicOrigin, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"cross-origin request refused (Origin {origin}; this collector is {own}{(publicOrigin is null ? string.Empty : " or " + publicOrigin)}: " +
                  "behind a proxy, set Collector:PublicUrl to the address browsers use)";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site is "" or "same-origin" or "none" ? null : $"cross-site request refused (Sec-Fetch-Site {site})";
    }

    /// <summary>
    /// Whether the browser reached the collector over https: the request itself (the collector's own TLS, or a listed
    /// proxy's <c>X-Forwarded-Proto</c>), or through the https <c>Collector:PublicUrl</c> — the request comes from its
    /// origin, or is addressed to its host (a proxy that passes <c>Host</c> on; a GET carries no <c>Origin</c>). A
    /// browser that reaches the collector directly over http (its own origin is still taken) would drop a <c>Secure</c>
    /// cookie: signed in, then not.
    /// </summary>
    public static bool IsHttps(HttpRequest request)
    {
        if (request.IsHttps)
        {
            return true;
        }

        return FromPublicUrl(request) is { Scheme: "https" };
    }

    /// <summary>
    /// The console's folder as the browser sees it, the session cookie's <c>Path</c>: <c>Collector:PublicUrl</c>'s path when
    /// the request came through it (<c>/logs/</c>, whether the proxy strips that prefix or passes it on; an https request
    /// with an https PublicUrl is taken as through it), else the path the collector serves under (<c>Collector:PathBase</c>,
    /// the root by default).
    /// </summary>
    public static string ConsolePath(HttpRequest request)
    {
        var publicUri = FromPublicUrl(request) ?? (request.IsHttps && PublicUri(request) is { Scheme: "https" } https ? https : null);
        return (publicUri?.AbsolutePath ?? request.PathBase.Value ?? string.Empty).TrimEnd('/') + "/";
    }

    /// <summary>
    /// <c>Collector:PublicUrl</c> when the request came through it: its <c>Origin</c> is PublicUrl's origin, or its
    /// <c>Host</c> is PublicUrl's host and port (a proxy that passes it on); else null.
    /// </summary>
    private static Uri? FromPublicUrl(HttpRequest request)
    {
        if (PublicUri(request) is not { } publicUri)
        {
            return null;
        }

        var origin = Origin(publicUri);
        return string.Equals(request.Headers.Origin.ToString(), origin, StringComparison.OrdinalIgnoreCase)
            || string.Equals(request.Host.Value, origin[(publicUri.Scheme.Length + 3)..], StringComparison.OrdinalIgnoreCase)
            ? publicUri
            : null;
    }

    private static Uri? PublicUri(HttpRequest request) => request.HttpContext.RequestServices.GetService<CollectorOptions>()?.PublicUri;

    /// <summary><c>Collector:PublicUrl</c>'s origin as a browser writes it, or null.</summary>
    private static string? PublicOrigin(HttpRequest request) => PublicUri(request) is { } uri ? Origin(uri) : null;

    /// <summary>
    /// An address's origin as a browser sends it: scheme, host in its ASCII (punycode) form, IPv6 in brackets, the port
    /// unless the scheme's default — never the user name or password an address may carry (<c>GetLeftPart</c> keeps them,
    /// and a refusal shows the origin to whoever asked).
    /// </summary>
    private static string Origin(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
