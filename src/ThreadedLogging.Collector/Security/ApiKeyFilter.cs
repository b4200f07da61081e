using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Security;

/// <summary>Endpoint filter that enforces the ingest, read or admin key, when one is configured.</summary>
/// <param name="role">Which key is required.</param>
/// <param name="seqCompatible">Also take the key where Seq's clients put it (<c>X-Seq-ApiKey</c>, <c>?apiKey=</c>).</param>
/// <param name="ingests">Whether the endpoint stores events: a refused ingest key is then counted and logged as a refused ingest
/// (<see cref="IngestKeyRefusals"/>); not for <c>GET /api/levels/effective</c>, which takes the ingest key too.</param>
internal sealed class ApiKeyFilter(ApiKeyRole role, bool seqCompatible = false, bool ingests = true) : IEndpointFilter
{
    /// <summary>What the admin key guards, as each refusal names it: every endpoint of <see cref="ApiKeyRole.Admin"/>.</summary>
    public const string AdminChanges = "level rules, erasure, alert rules";

    /// <summary>Gets which key the endpoint needs (its metadata too: <see cref="KeylessRequestGuard"/> steps aside for a role with keys).</summary>
    public ApiKeyRole Role => role;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var ring = http.RequestServices.GetRequiredService<ApiKeyRing>();
        var required = role switch
        {
            ApiKeyRole.Ingest => ring.IngestRequiresKey,
            ApiKeyRole.Read => ring.ReadRequiresKey,
            _ => ring.AdminRequiresKey,
        };
        if (!required)
        {
            // Without any key, changes (level rules, erasure, alert rules) are open to this machine only: Collector:AllowUnauthenticated
            // opens ingest and reading to the network, not erasing a user.
            return role != ApiKeyRole.Admin || IsFromThisMachine(http) ? await next(context)
                : ErrorResults.Create(StatusCodes.Status403Forbidden,
                    $"this change ({AdminChanges}) from another machine needs the admin key, and none is configured: set Collector:AdminApiKey");
        }

        var request = http.Request;
        var key = ApiKeyReader.Read(request, seqCompatible);
        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        var cookie = SessionStore.TokenOf(request);
        var failures = http.RequestServices.GetRequiredService<FailedSignIns>();
        if (role != ApiKeyRole.Ingest && key is not null && failures.RetryAfter(http.Connection.RemoteIpAddress) is { } wait)
        {
            return failures.TooMany(http, wait);
        }

        if (role != ApiKeyRole.Admin && key is not null && IsBasic(request) && SameOrigin.Refuses(request) is { } crossSite)
        {
            // A browser given a key at the Basic prompt sends it by itself to every request, another site's (an image, an
            // EventSource, a link to an export) too: such a request is refused as changes are (security review).
            return ErrorResults.Create(StatusCodes.Status403Forbidden, $"{crossSite}: Basic credentials a browser holds are sent by it on its own");
        }

        if (role == ApiKeyRole.Admin)
        {
            var refused = AdminRefuses(request, ring, sessions, key, cookie);
            CountWrongKey(http, failures, refused, key);
            return refused ?? await next(context);
        }

        // The admin key also reads (the support console shows the rules it changes); so does any session.
        var valid = role == ApiKeyRole.Ingest
            ? ring.IsIngestKey(key)
            : ring.IsReadKey(key) || ring.IsAdminKey(key) || sessions.IsValid(cookie);
        if (valid)
        {
            return await next(context);
        }

        if (role == ApiKeyRole.Ingest && ingests)
        {
            // Refused before the body is read: the format is not known yet.
            http.RequestServices.GetRequiredService<IngestKeyRefusals>().Refused(http, "unknown", keyGiven: key is not null);
        }

        var unauthorized = Unauthorized(request, key, role, seqCompatible);
        if (role != ApiKeyRole.Ingest)
        {
            CountWrongKey(http, failures, unauthorized, key);
        }

        return unauthorized;
    }

    /// <summary>
    /// A wrong read or admin key counts as a wrong sign-in (<see cref="FailedSignIns"/>): the API would otherwise be the
    /// way to guess the key the sign-in form limits. A missing key is no guess. Ingest keys are not counted: an app
    /// shipping with a revoked key would lock the apps behind the same address out of ingest (its refusals are counted
    /// and logged, <see cref="IngestKeyRefusals"/>).
    /// </summary>
    private static void CountWrongKey(HttpContext http, FailedSignIns failures, object? refusal, string? key)
    {
        if (key is not null && refusal is IStatusCodeHttpResult { StatusCode: StatusCodes.Status401Unauthorized })
        {
            failures.Failed(http.Connection.RemoteIpAddress);
        }
    }

    /// <summary>
    /// Level rules change with the admin key, or with a session signed in with it from the support page: that
    /// request must be same-origin (<see cref="SameOrigin"/>) and carry <see cref="ConsoleRequest"/>'s header
    /// (CSRF; the cookie is SameSite=Strict too). A browser's cross-site request is refused even with the key
    /// (a browser may hold it as Basic credentials and send it on its own).
    /// </summary>
    private static object? AdminRefuses(HttpRequest request, ApiKeyRing ring, SessionStore sessions, string? key, string? cookie)
    {
        if (SameOrigin.Refuses(request) is { } crossSite)
        {
            return ErrorResults.Create(StatusCodes.Status403Forbidden, crossSite);
        }

        if (ring.IsAdminKey(key))
        {
            return null;
        }

        if (key is null && sessions.IsAdmin(cookie))
        {
            return ConsoleRequest.IsMarked(request)
                ? null
                : ErrorResults.Create(StatusCodes.Status403Forbidden, $"a change made with a session cookie needs the header {ConsoleRequest.HeaderName}: {ConsoleRequest.HeaderValue} (CSRF)");
        }

        if (key is null && sessions.IsValid(cookie))
        {
            return ErrorResults.Create(StatusCodes.Status403Forbidden, $"this session only reads: sign in with the admin key (Collector:AdminApiKey) for changes ({AdminChanges})");
        }

        if (ring.IsReadKey(key) || ring.IsIngestKey(key))
        {
            // A valid key of another role: not "invalid" (401 sent operators looking for a typo), but not enough.
            return ErrorResults.Create(StatusCodes.Status403Forbidden, ring.HasAdminKey
                ? $"this change ({AdminChanges}) needs the admin key (Collector:AdminApiKey); this is the {(ring.IsReadKey(key) ? "read" : "ingest")} key"
                : $"this change ({AdminChanges}) needs the admin key, and none is configured: set Collector:AdminApiKey");
        }

        return Unauthorized(request, key, ApiKeyRole.Admin);
    }

    /// <param name="request">The refused request.</param>
    /// <param name="key">The key it sent, if any.</param>
    /// <param name="role">The key the endpoint needs.</param>
    /// <param name="seqCompatible">Whether the endpoint also takes Seq's <c>X-Seq-ApiKey</c> and <c>?apiKey=</c>, which the
    /// reason then names: a Seq client's user, told only of X-Api-Key, was not told where Seq's own setting puts the key.</param>
    private static object Unauthorized(HttpRequest request, string? key, ApiKeyRole role, bool seqCompatible = false)
    {
        // Basic lets a client (curl, a script) know how to send the key; the support page's own requests
        // (fetch: Sec-Fetch-Mode cors/same-origin) get no challenge, so the browser shows no prompt:
        // the page's sign-in form is the way in.
        if (request.Headers["Sec-Fetch-Mode"].ToString() is "" or "navigate")
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"ThreadedLogging collector\", charset=\"UTF-8\"";
        }

        // Which keys, and where a missing one goes: "missing API key" alone told a newcomer's curl or app neither (the
        // settings' names are no secret; a wrong key learns nothing of the right one).
        var keys = role switch
        {
            ApiKeyRole.Ingest => "the ingest keys (Collector:IngestApiKeys)",
            ApiKeyRole.Read => "the read or admin keys (Collector:ReadApiKey(s), Collector:AdminApiKey(s))",
            _ => "the admin keys (Collector:AdminApiKey(s))",
        };
        return ErrorResults.Create(StatusCodes.Status401Unauthorized, key is null
            ? $"missing API key: send one of {keys} in {(seqCompatible ? $"{ApiKeyReader.SeqHeaderName}, {ApiKeyReader.HeaderName}, ?apiKey=" : ApiKeyReader.HeaderName)}, Authorization: Bearer or the Basic password"
            : $"invalid API key: not one of {keys}");
    }

    /// <summary>Whether the key came as the Basic password (<see cref="ApiKeyReader"/> reads the headers a page cannot send first).</summary>
    private static bool IsBasic(HttpRequest request) =>
        request.Headers[ApiKeyReader.HeaderName].Count == 0 && request.Headers[ApiKeyReader.SeqHeaderName].Count == 0
        && request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

    /// <summary>A loopback peer that is no proxy passing on another machine's request (as far as its headers say).</summary>
    public static bool IsFromThisMachine(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address
        && System.Net.IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
        && KeylessRequestGuard.ProxyHeader(http.Request) is null;
}
