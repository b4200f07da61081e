using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Requests no endpoint serves: routing's own 404 (no such path) and 405 (no such method on a path) get a reason
/// like every other refusal, <c>{"error": "…"}</c>, instead of an empty body; and a client posting to a path no
/// endpoint serves is said in the collector's log (issue 11: a Seq or OTLP client pointed at a wrong URL got a
/// silent 404 and dropped its batches), and so is a Python HTTPHandler's GET of one.
/// </summary>
internal static class UnservedRequests
{
    public static IApplicationBuilder UseUnservedRequests(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        var response = context.Response;
        var method = context.Request.Method;
        var path = (context.Request.PathBase + context.Request.Path).Value ?? string.Empty; // as asked: under Collector:PathBase, with it
        if (response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null)
        {
            SayNoIngestEndpoint(context, method, path);
            await AnswerAsync(context, $"no endpoint at {LoggedText.Of(path)}");
        }
        else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            // A POST where only reading is served (the console's page at /: an OTLP exporter given the collector's root)
            // is a client's wrong URL as a 404 is, and was answered without a line.
            SayNoIngestEndpoint(context, method, path);
            var allowed = response.Headers.Allow.ToString();
            await AnswerAsync(context, $"{method} is not served at {path}" + (allowed.Length > 0 ? $"; allowed: {allowed}" : string.Empty));
        }
    });

    private static void SayNoIngestEndpoint(HttpContext context, string method, string path)
    {
        if (HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || PythonRecordGet(context.Request))
        {
            context.RequestServices.GetRequiredService<IngestRefusals>().PathNotFound(
                Security.RemoteAddressKey.Of(context.Connection.RemoteIpAddress), LoggedText.Of(method), LoggedText.Of(path),
                context.Response.StatusCode, context.Request.PathBase.Value ?? string.Empty);
        }
    }

    /// <summary>
    /// A GET whose query is a Python record (<c>msg</c> and <c>levelno</c> or <c>levelname</c>): Python's HTTPHandler sends so by
    /// default, and the seed's own example URL was <c>/my_logs/</c>, so an app moved to the collector with its old URL sent every
    /// record to a 404 no line said. The line names the path only: the query is the record.
    /// </summary>
    private static bool PythonRecordGet(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Query.ContainsKey("msg")
        && (request.Query.ContainsKey("levelno") || request.Query.ContainsKey("levelname"));

    private static Task AnswerAsync(HttpContext context, string reason) =>
        context.Response.HasStarted || HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : ErrorResults.Create(context.Response.StatusCode, reason).ExecuteAsync(context);
}
