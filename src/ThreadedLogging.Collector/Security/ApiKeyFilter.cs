using ThreadedLogging.Collector.Web;

namespace ThreadedLogging.Collector.Security;

/// <summary>Endpoint filter that enforces the ingest or the read key, when one is configured.</summary>
/// <param name="role">Which key is required.</param>
/// <param name="seqCompatible">Also take the key where Seq's clients put it (<c>X-Seq-ApiKey</c>, <c>?apiKey=</c>).</param>
internal sealed class ApiKeyFilter(ApiKeyRole role, bool seqCompatible = false) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
        var required = role == ApiKeyRole.Ingest ? ring.IngestRequiresKey : ring.ReadRequiresKey;
        if (!required)
        {
            return await next(context);
        }

        var request = context.HttpContext.Request;
        var key = ApiKeyReader.Read(request, seqCompatible);
        var valid = role == ApiKeyRole.Ingest ? ring.IsIngestKey(key)
            : ring.IsReadKey(key) || context.HttpContext.RequestServices.GetRequiredService<SessionStore>().IsValid(request.Cookies[SessionStore.CookieName]);
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
