namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Refuses a browser's cross-origin state change (CSRF): its <c>Origin</c> must be this collector's own
/// (scheme and host as the request came in), or, without <c>Origin</c>, <c>Sec-Fetch-Site</c> must not say
/// another site. Clients that are not browsers send neither and are let through (they carry no cookie).
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
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? null : $"cross-origin request refused (Origin {origin})";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site is "" or "same-origin" or "none" ? null : $"cross-site request refused (Sec-Fetch-Site {site})";
    }
}
