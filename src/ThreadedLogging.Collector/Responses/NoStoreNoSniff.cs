namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Security review: every answer of the collector says <c>X-Content-Type-Options: nosniff</c> (a browser never reads
/// an API answer or an error as HTML or script), and <c>Cache-Control: no-store</c> unless its endpoint chose its own
/// (the support page's files: <c>no-cache</c>; the live tail: <c>no-cache</c>). Events, users and level rules are not
/// kept by a browser's or a proxy's cache after the session ends. One place for every endpoint, routing's 404/405 and
/// the 503 of a store that is down (that one clears the headers, so they are added as the answer starts).
/// </summary>
internal static class NoStoreNoSniff
{
    private static readonly Func<object, Task> AddHeaders = state =>
    {
        var headers = ((HttpResponse)state).Headers;
        headers.XContentTypeOptions = "nosniff";
        if (headers.CacheControl.Count == 0)
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    };

    public static IApplicationBuilder UseNoStoreNoSniff(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(AddHeaders, context.Response);
        return next(context);
    });
}
