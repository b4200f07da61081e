using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Says in the collector's log when a client posts to a path no endpoint serves (issue 11: a Seq or OTLP client
/// pointed at a wrong URL got a silent 404 and dropped its batches).
/// </summary>
internal static class IngestNotFoundLog
{
    public static IApplicationBuilder UseIngestNotFoundLog(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null
            && (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method)))
        {
            var logger = context.RequestServices.GetRequiredService<ILogger<IngestEndpoint>>();
            CollectorLog.IngestPathNotFound(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        }
    });
}
