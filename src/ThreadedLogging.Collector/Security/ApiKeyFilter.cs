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

        var key = ApiKeyReader.Read(context.HttpContext.Request, seqCompatible);
        // The admin key also reads (the support console shows the rules it changes).
        var valid = role switch
        {
            ApiKeyRole.Ingest => ring.IsIngestKey(key),
            ApiKeyRole.Read => ring.IsReadKey(key) || ring.IsAdminKey(key),
            _ => ring.IsAdminKey(key),
        };
        if (valid)
        {
            return await next(context);
        }

        // Basic lets a browser ask for the read key on the support page (user name ignored).
        context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"ThreadedLogging collector\", charset=\"UTF-8\"";
        return ErrorResults.Create(StatusCodes.Status401Unauthorized, key is null ? "missing API key" : "invalid API key");
    }
}
