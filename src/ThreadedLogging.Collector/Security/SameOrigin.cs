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

    /// <summary>Whether the browser reached the collector over https: the request itself, or <c>Collector:PublicUrl</c> (a TLS-terminating proxy).</summary>
    public static bool IsHttps(HttpRequest request) =>
        request.IsHttps || request.HttpContext.RequestServices.GetService<CollectorOptions>()?.PublicUri?.Scheme == Uri.UriSchemeHttps;

    /// <summary><c>Collector:PublicUrl</c>'s origin as a browser writes it (<c>https://logs.example.com</c>, no default port), or null.</summary>
    private static string? PublicOrigin(HttpRequest request) =>
        request.HttpContext.RequestServices.GetService<CollectorOptions>()?.PublicUri?.GetLeftPart(UriPartial.Authority);
}
