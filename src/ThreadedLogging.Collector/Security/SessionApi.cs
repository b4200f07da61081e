using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using MediaTypeHeaderValue = Microsoft.Net.Http.Headers.MediaTypeHeaderValue;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Sign-in for the support page when <c>Collector:ReadApiKey</c> or <c>Collector:AdminApiKey</c> is set: the
/// page posts a key once and gets a session cookie (HttpOnly, SameSite=Strict, Secure under https or an https Collector:PublicUrl, with an
/// expiry); the key is never in a URL or in the page's storage. The read key gives a session that reads; the
/// admin key one that also changes level rules (issue 13). Both POSTs are CSRF-safe: a browser's cross-origin
/// request is refused by its Origin, and the cookie is never sent cross-site (SameSite=Strict).
/// </summary>
internal static class SessionApi
{
    /// <summary>
    /// The largest sign-in body, in bytes: a key of a few hundred characters fits many times over. Anyone may post here
    /// before showing a key (security review: multipart was parsed, files buffered to temporary files, up to Kestrel's
    /// 30 MB body and the form reader's 128 MB).
    /// </summary>
    internal const int MaxFormBytes = 4096;

    /// <summary>The form reader's limits: a few short fields, all held in memory.</summary>
    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 16,
        KeyLengthLimit = 64,
        ValueLengthLimit = MaxFormBytes,
    };

    public static IEndpointRouteBuilder MapSession(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/auth").WithMetadata(ReadKeyShell.Instance);
        group.MapGet("/session", GetSession);
        group.MapPost("/sign-in", SignInAsync).DisableAntiforgery();
        group.MapPost("/sign-out", SignOut).DisableAntiforgery();
        return routes;
    }

    private static Ok<SessionResponse> GetSession(HttpContext context, ApiKeyRing ring, SessionStore sessions)
    {
        context.Response.Headers.CacheControl = "no-store";
        var cookie = SessionStore.TokenOf(context.Request);
        var canChange = (!ring.AdminRequiresKey && ApiKeyFilter.IsFromThisMachine(context)) || sessions.IsAdmin(cookie);
        return TypedResults.Ok(new SessionResponse(
            ring.ReadRequiresKey, !ring.ReadRequiresKey || sessions.IsValid(cookie), canChange, ring.HasAdminKey && !canChange, sessions.IsValid(cookie)));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> SignInAsync(HttpContext context, ApiKeyRing ring, SessionStore sessions, FailedSignIns failures)
    {
        if (SameOrigin.Refuses(context.Request) is { } refused)
        {
            return ErrorResults.Create(StatusCodes.Status403Forbidden, refused);
        }

        if (failures.RetryAfter(context.Connection.RemoteIpAddress) is { } wait)
        {
            return failures.TooMany(context, wait);
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorResults.Create(StatusCodes.Status415UnsupportedMediaType, "sign-in takes a form (application/x-www-form-urlencoded) with the field 'key'");
        }

        if (context.Request.ContentLength > MaxFormBytes)
        {
            return ErrorResults.Create(StatusCodes.Status413PayloadTooLarge, $"the sign-in form is larger than {MaxFormBytes} bytes");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxFormBytes; // a chunked body: Kestrel stops reading past it
        }

        if (!ring.ReadRequiresKey && !ring.HasAdminKey)
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "there is no key to sign in with here (neither Collector:ReadApiKey nor Collector:AdminApiKey is set)");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(FormLimits, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ErrorResults.Create(StatusCodes.Status413PayloadTooLarge, $"the sign-in form is larger than {MaxFormBytes} bytes");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // More fields than the limits, a body cut short: the form reader throws (was a 500).
            return ErrorResults.Create(StatusCodes.Status400BadRequest, $"the sign-in form cannot be read: {e.Message}");
        }

        var key = form["key"].ToString();
        var admin = ring.IsAdminKey(key);
        if (!admin && !(ring.ReadRequiresKey && ring.IsReadKey(key)))
        {
            failures.Failed(context.Connection.RemoteIpAddress);
            return ErrorResults.Create(StatusCodes.Status401Unauthorized, "wrong key");
        }

        // Signing in again replaces this browser's session (read → admin).
        sessions.Remove(SessionStore.TokenOf(context.Request));
        var (token, expires) = sessions.Create(key, admin);
        context.Response.Cookies.Append(SessionStore.CookieNameFor(context.Request), token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = SameOrigin.IsHttps(context.Request),
            Path = SameOrigin.ConsolePath(context.Request),
            Expires = expires,
            IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.NoContent();
    }

    private static Results<NoContent, JsonHttpResult<ErrorResponse>> SignOut(HttpContext context, SessionStore sessions)
    {
        if (SameOrigin.Refuses(context.Request) is { } refused)
        {
            return ErrorResults.Create(StatusCodes.Status403Forbidden, refused);
        }

        sessions.Remove(SessionStore.TokenOf(context.Request));
        context.Response.Cookies.Delete(SessionStore.CookieNameFor(context.Request), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = SameOrigin.IsHttps(context.Request),
            Path = SameOrigin.ConsolePath(context.Request),
        });
        return TypedResults.NoContent();
    }
}
