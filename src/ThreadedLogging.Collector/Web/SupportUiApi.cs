using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Web;

/// <summary>
/// The support page at <c>/</c>: static HTML and script (embedded resources) that fetch the query API
/// and show data with <c>textContent</c> only. Nothing is rendered on the server.
/// </summary>
internal static class SupportUiApi
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly (string Route, string Resource, string ContentType)[] Assets =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapSupportUi(this IEndpointRouteBuilder routes)
    {
        // Open even when reading needs a key: the page holds no data (it fetches it) and shows the sign-in form.
        var group = routes.MapGroup(string.Empty);
        foreach (var (route, resource, contentType) in Assets)
        {
            var bytes = Load(resource);
            group.MapGet(route, (HttpContext context) => Serve(context, bytes, contentType));
        }

        return routes;
    }

    private static FileContentHttpResult Serve(HttpContext context, byte[] bytes, string contentType)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return TypedResults.File(bytes, contentType);
    }

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SupportUi/" + name)
            ?? throw new InvalidOperationException($"Embedded resource SupportUi/{name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
