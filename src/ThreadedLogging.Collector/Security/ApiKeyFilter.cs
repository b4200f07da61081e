using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Security;

/// <summary>Endpoint filter that enforces the ingest, read or admin key, when one is configured.</summary>
/// <param name="role">Which key is required.</param>
/// <param name="seqCompatible">Also take the key where Seq's clients put it (<c>X-Seq-ApiKey</c>, <c>?apiKey=</c>).</param>
internal sealed class ApiKeyFilter(ApiKeyRole role, bool seqCompatible = false) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
        var required = role switch
        {
            ApiKeyRole.Ingest => ring.IngestRequiresKey,
            ApiKeyRole.Read => ring.ReadRequiresKey,
            _ => ring.AdminRequiresKey,
        };
        if (!required)
        {
            return await next(context);
        }

        var request = context.HttpContext.Request;
        var key = ApiKeyReader.Read(request, seqCompatible);
        // The admin key also reads (the support console shows the rules it changes); a session only reads.
        var valid = role switch
        {
            ApiKeyRole.Ingest => ring.IsIngestKey(key),
            ApiKeyRole.Read => ring.IsReadKey(key) || ring.IsAdminKey(key)
                || context.HttpContext.RequestServices.GetRequiredService<SessionStore>().IsValid(request.Cookies[SessionStore.CookieName]),
            _ => ring.IsAdminKey(key),
        };
        if (valid)
        {
            return await next(context);
        }

        // Basic lets a client (curl, a script) know how to send the key; the support page's own requests
        // (fetch: Sec-Fetch-Mode cors/same-origin) get no challenge, so the browser shows no prompt:
        // the page's sign-in form is the way in.
        if (request.Headers["Sec-Fetch-Mode"].ToString() is "" or "navigate")
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"ThreadedLogging collector\", charset=\"UTF-8\"";
        }

        return ErrorResults.Create(StatusCodes.Status401Unauthorized, key is null ? "missing API key" : "invalid API key");
    }
}
