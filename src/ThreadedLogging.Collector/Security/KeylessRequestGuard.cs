using System.Net;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Issue 15 §8: a collector without keys trusts whoever can reach it, which a web page in the user's browser can
/// do too: by DNS rebinding (its own name resolving to 127.0.0.1, so the browser lets it read the answers) or by a
/// cross-origin form post or image (writing events). While a role (ingest or read) has no key, every request but a
/// GET of the page refuses what a browser marks as coming from another site (<c>Origin</c>, <c>Sec-Fetch-Site</c>),
/// on any address (<c>Collector:AllowUnauthenticated</c> too). On loopback, every request must also name a loopback
/// host (<c>localhost</c>, <c>*.localhost</c>, a loopback address) and must not come through a proxy
/// (<c>Forwarded</c>, <c>X-Forwarded-*</c>, <c>X-Real-IP</c>): a local reverse proxy would open the keyless collector
/// to the network. With keys the keys decide, and no CORS header is ever sent (README). The guard is for the roles without a
/// key: an endpoint whose role has keys (ingest with <c>Collector:IngestApiKeys</c> while reading has none, or the reverse; the
/// admin's changes whenever any key is set) is judged by its key alone, as on a collector with every key, so an app sending
/// through a local reverse proxy with its ingest key is taken while a keyless read through it is still refused.
/// <c>/health</c> and any path no endpoint serves belong to no role and stay guarded; the page, its files and its sign-in
/// (<see cref="ReadKeyShell"/>) go with the read key.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
/// <param name="loopbackOnly">Whether every listen address is a loopback one (the Host and proxy checks apply).</param>
internal sealed class KeylessRequestGuard(RequestDelegate next, bool loopbackOnly)
{
    private static readonly string[] ProxyHeaders =
        ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "Via",
            // Where ForwardedHeadersMiddleware (Collector:TrustedProxies) moves the X-Forwarded-For it read (security review of 23dec90).
            "X-Original-For"];

    /// <summary>Gets a value indicating whether the guard applies: a role (ingest or read) without a key.</summary>
    public static bool AppliesTo(CollectorOptions options) => options.IngestApiKeys.Count == 0 || !options.HasReadKey;

    public Task InvokeAsync(HttpContext context)
    {
        if (JudgedByKey(context))
        {
            return next(context);
        }

        var request = context.Request;
        var host = request.Host.Host;
        if (loopbackOnly && host.Length > 0 && !IsLoopbackName(host))
        {
            return RefuseAsync(context, $"Host '{host}' is not a loopback name: a collector on loopback {Without(context)} answers only localhost or 127.0.0.1 (DNS rebinding)");
        }

        if (loopbackOnly && ProxyHeader(request) is { } proxied)
        {
            return RefuseAsync(context, $"the request came through a proxy ({proxied}): a collector on loopback {Without(context)} answers only this machine's own clients; " +
                "to serve it through a proxy, set Collector:IngestApiKeys and Collector:ReadApiKey");
        }

        // Every write (any ingest format's endpoint), every read of events and of the metrics; a link to the page itself is fine.
        var checks = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || request.Path.StartsWithSegments("/log") || request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(PrometheusMetrics.Path);
        if (checks && ForeignBrowserRequest(request) is { } reason)
        {
            return RefuseAsync(context, loopbackOnly
                ? $"{reason}: a collector on loopback {Without(context)} takes no cross-site browser requests"
                : $"{reason}: a collector {Without(context)} (Collector:AllowUnauthenticated) takes no cross-site browser requests");
        }

        if (WithoutIngestKey(context) && BrowserSimpleSeqPost(request) is { } contentType)
        {
            return RefuseAsync(context,
                $"Content-Type {contentType} is one any web page can send to another site: without an ingest key (Collector:IngestApiKeys), " +
                $"Seq's endpoints take {Ingest.Formats.Clef.ClefDecoder.MediaType} (Serilog.Sinks.Seq's) or application/json only",
                StatusCodes.Status415UnsupportedMediaType);
        }

        return next(context);
    }

    /// <summary>
    /// The first header by which a proxy says it passed the request on, or null. Best effort: a proxy adds them only when
    /// configured to (nginx adds none by default), so a collector behind a proxy needs keys.
    /// </summary>
    public static string? ProxyHeader(HttpRequest request) => Array.Find(ProxyHeaders, request.Headers.ContainsKey);

    /// <summary>The reason a browser says this request comes from another site, or null.</summary>
    private static string? ForeignBrowserRequest(HttpRequest request)
    {
        if (request.Headers.Origin is { Count: > 0 } origin
            && !string.Equals(origin.ToString(), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return $"Origin '{origin}' is not this collector";
        }

        // Sent by current browsers on every request, no-cors GETs (images, links, form GETs) included.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site is "cross-site" or "same-site" ? $"Sec-Fetch-Site is '{site}'" : null;
    }

    /// <summary>
    /// Seq's endpoints read CLEF whatever the Content-Type (as Seq does), so a page could post events with one a browser
    /// sends without asking the server first (a form's, <c>text/plain</c>, or none: a <c>no-cors</c> fetch of a Blob), and a
    /// browser that marks no <c>Origin</c> (older ones on a form post) is not told apart by the check above. The
    /// Content-Type said, or <c>(none)</c>, of such a POST to <c>/ingest/clef</c> or <c>/api/events/raw</c>; else null.
    /// The other ingest endpoints refuse these types already but for Python's form on <c>/log</c>, which is HTTPHandler's own.
    /// </summary>
    private static string? BrowserSimpleSeqPost(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || !(request.Path.StartsWithSegments("/ingest/clef") || request.Path.StartsWithSegments("/api/events/raw")))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(request.ContentType))
        {
            return "(none)";
        }

        var type = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value ?? string.Empty : request.ContentType;
        return type.ToLowerInvariant() is "text/plain" or "application/x-www-form-urlencoded" or "multipart/form-data" ? $"'{LoggedText.Of(type)}'" : null;
    }

    /// <summary>
    /// Whether the request's endpoint (routing ran before the guard: WebApplication's own, or <see cref="ServedPaths"/>' under a
    /// path base) needs a key its role has: its <see cref="ApiKeyFilter"/>, or an OTLP/gRPC method, whose ingest key
    /// <c>MapOtlpGrpc</c>'s check reads. That key answers for it (401 without it), whatever the Host or a proxy's headers say:
    /// a page that rebinds a name, or a proxy that passes the request on, gets nothing without the key. The console's shell
    /// (<see cref="ReadKeyShell"/>) goes with the read key: its sign-in takes that key, and the page shows nothing without it.
    /// </summary>
    private static bool JudgedByKey(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata is not { } metadata)
        {
            return false;
        }

        var keys = context.RequestServices.GetRequiredService<ApiKeyRing>();
        if (metadata.GetMetadata<ApiKeyFilter>() is { } filter)
        {
            return filter.Role switch
            {
                ApiKeyRole.Ingest => keys.IngestRequiresKey,
                ApiKeyRole.Read => keys.ReadRequiresKey,
                _ => keys.AdminRequiresKey,
            };
        }

        if (metadata.GetMetadata<ReadKeyShell>() is not null)
        {
            return keys.ReadRequiresKey; // the page and the sign-in: nothing to read without the key's session
        }

        return keys.IngestRequiresKey && metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null;
    }

    /// <summary>
    /// What a refusal says is missing: no key at all ("without API keys"), or, with keys for one role only, a key for this
    /// request (the keyless role's endpoint, or one of no role: the keyed role's are judged by their key).
    /// </summary>
    private static string Without(HttpContext context)
    {
        var keys = context.RequestServices.GetRequiredService<ApiKeyRing>();
        return keys.IngestRequiresKey == keys.ReadRequiresKey
            ? "without API keys"
            : $"without a key for this request (keys are set for {(keys.IngestRequiresKey ? "ingest" : "reading")} only)";
    }

    /// <summary>Whether ingest takes requests without a key now (keys may come with a reload of the --config file).</summary>
    private static bool WithoutIngestKey(HttpContext context) => !context.RequestServices.GetRequiredService<ApiKeyRing>().IngestRequiresKey;

    private static bool IsLoopbackName(string host)
    {
        host = host.EndsWith('.') ? host[..^1] : host; // a fully qualified `localhost.`, as the client treats it
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true; // RFC 6761: always the loopback; browsers never ask DNS for it.
        }

        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
    }

    private static Task RefuseAsync(HttpContext context, string reason, int status = StatusCodes.Status403Forbidden) =>
        ErrorResults.Create(status, reason).ExecuteAsync(context);
}
