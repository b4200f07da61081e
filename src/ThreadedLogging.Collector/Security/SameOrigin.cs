namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Refuses a browser's cross-origin state change (CSRF): its <c>Origin</c> must be this collector's own — scheme and
/// host as the request came in, or <c>Collector:PublicUrl</c>'s, the address browsers use through a TLS-terminating
/// proxy (whose <c>X-Forwarded-*</c> the collector does not read) — or, without <c>Origin</c>, <c>Sec-Fetch-Site</c>
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
    /// Whether the browser reached the collector over https: the request itself, or through a TLS-terminating proxy — the
    /// request comes from the origin of an https <c>Collector:PublicUrl</c>. A browser that reaches the collector directly
    /// over http (its own origin is still taken) would drop a <c>Secure</c> cookie: signed in, then not.
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
    /// the request comes from its origin (<c>/logs/</c>, whether the proxy strips that prefix or passes it on), else the
    /// path the collector serves under (<c>Collector:PathBase</c>, the root by default).
    /// </summary>
    public static string ConsolePath(HttpRequest request) =>
        (FromPublicUrl(request)?.AbsolutePath ?? request.PathBase.Value ?? string.Empty).TrimEnd('/') + "/";

    /// <summary><c>Collector:PublicUrl</c> when the request's <c>Origin</c> is its origin (the browser came through it), else null.</summary>
    private static Uri? FromPublicUrl(HttpRequest request)
    {
        var publicUri = request.HttpContext.RequestServices.GetService<CollectorOptions>()?.PublicUri;
        return publicUri is not null && string.Equals(request.Headers.Origin.ToString(), Origin(publicUri), StringComparison.OrdinalIgnoreCase) ? publicUri : null;
    }

    /// <summary><c>Collector:PublicUrl</c>'s origin as a browser writes it, or null.</summary>
    private static string? PublicOrigin(HttpRequest request) =>
        request.HttpContext.RequestServices.GetService<CollectorOptions>()?.PublicUri is { } uri ? Origin(uri) : null;

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
