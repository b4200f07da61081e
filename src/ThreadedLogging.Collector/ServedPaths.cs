using ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector;

/// <summary>
/// Every address under <c>Collector:PathBase</c> (<c>/logs</c>), for a proxy that passes its prefix on
/// (<c>location /logs/ { proxy_pass http://127.0.0.1:5080; }</c>): <c>UsePathBase</c> moves the prefix into
/// <c>PathBase</c>, so the endpoints are mapped once, at their root paths; a request without it is answered 404 with the
/// reason, not served at the root as well (an address that works by accident is one a proxy's rule can miss). The prefix
/// alone (<c>/logs</c>) is sent to <c>/logs/</c>: the page's relative addresses are resolved against its folder.
/// </summary>
internal static class ServedPaths
{
    /// <summary>Why <paramref name="path"/> cannot be <c>Collector:PathBase</c> ("must start with '/'"), or null.</summary>
    public static string? Problem(string path)
    {
        if (!path.StartsWith('/'))
        {
            return "must start with '/'";
        }

        if (path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            return "is a path only, without a query or fragment";
        }

        var segments = path.Trim('/');
        if (segments.Length == 0)
        {
            return null; // "/": the root
        }

        foreach (var segment in segments.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                return "must be segments of letters, digits, '-', '_', '.' and '~' separated by single '/'";
            }
        }

        return null;
    }

    /// <summary>Serves the app under <see cref="CollectorOptions.ServedPath"/>, when set; routing runs after it.</summary>
    public static void UseServedPath(this WebApplication app, CollectorOptions options)
    {
        var pathBase = options.ServedPath;
        if (!pathBase.HasValue)
        {
            return; // the root: routing where WebApplication puts it, as before
        }

        var grpcPort = app.Services.GetService<OtlpGrpcOptions>()?.Port;
        app.UsePathBase(pathBase);
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (context.Connection.LocalPort == grpcPort)
            {
                return next(context); // gRPC clients call /package.Service/Method at the root
            }

            if (!request.PathBase.HasValue)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "no-store";
                return HttpMethods.IsHead(request.Method)
                    ? Task.CompletedTask
                    : ErrorResults.Create(StatusCodes.Status404NotFound, $"no endpoint at {Diagnostics.LoggedText.Of(request.Path.Value ?? string.Empty)}: this collector serves under {pathBase}/ (Collector:PathBase)").ExecuteAsync(context);
            }

            if (!request.Path.HasValue && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
            {
                context.Response.Redirect(request.PathBase + "/" + request.QueryString);
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseRouting();
    }
}
