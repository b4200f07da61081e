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

    private const string ResourcePrefix = "SupportUi/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static IEndpointRouteBuilder MapSupportUi(this IEndpointRouteBuilder routes)
    {
        // Open even when reading needs a key: the page holds no data (it fetches it) and shows the sign-in form.
        var group = routes.MapGroup(string.Empty).WithMetadata(ReadKeyShell.Instance);
        // Every embedded file of Web/Assets: index.html at /, the ES modules and the style sheet by name.
        foreach (var name in Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = name[ResourcePrefix.Length..];
            var contentType = ContentTypes[Path.GetExtension(file)];
            var bytes = Load(file);
            group.MapGet(file == "index.html" ? "/" : "/" + file, (HttpContext context) => Serve(context, bytes, contentType));
            if (file == "favicon.svg")
            {
                // Browsers ask for /favicon.ico on their own (before or without reading the page's icon link).
                group.MapGet("/favicon.ico", (HttpContext context) => Serve(context, bytes, contentType));
            }
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
