using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Web;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>Ingest endpoints: <c>/log/{**path}</c> (every client format) and <c>POST /api/events</c> (JsonBatch).</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).RequireApiKey(ApiKeyRole.Ingest);
        group.MapMethods("/log/{**path}", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, IngestPipeline pipeline, IngestAdmission admission, ILogger<IngestPipeline> logger, string? path) =>
            IngestAsync(context, pipeline, admission, logger, path ?? string.Empty));
        group.MapPost("/api/events", (HttpContext context, IngestPipeline pipeline, IngestAdmission admission, ILogger<IngestPipeline> logger) =>
            IngestAsync(context, pipeline, admission, logger, string.Empty));
        return routes;
    }

    private static async Task<Results<Ok<IngestResponse>, JsonHttpResult<ErrorResponse>>> IngestAsync(
        HttpContext context, IngestPipeline pipeline, IngestAdmission admission, ILogger logger, string path)
    {
        if (!admission.TryEnter())
        {
            CollectorLog.IngestOverloaded(logger, admission.Pending);
            context.Response.Headers.RetryAfter = pipeline.OverloadRetryAfterSeconds;
            return ErrorResults.Create(StatusCodes.Status429TooManyRequests, $"collector overloaded ({admission.Pending} requests in progress); retry after {pipeline.OverloadRetryAfterSeconds} s");
        }

        try
        {
            return TypedResults.Ok(await pipeline.IngestAsync(context, path, context.RequestAborted));
        }
        catch (IngestRejectedException e)
        {
            CollectorLog.IngestRejected(logger, path, e.StatusCode, e.Message);
            return ErrorResults.Create(e.StatusCode, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "request aborted");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage trouble (disk full, locked file): nothing was committed; the client retries later.
            CollectorLog.StoreFailed(logger, e);
            context.Response.Headers.RetryAfter = "5";
            return ErrorResults.Create(StatusCodes.Status503ServiceUnavailable, "storage unavailable; retry later");
        }
        finally
        {
            admission.Exit();
        }
    }
}
