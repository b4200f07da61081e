using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>Ingest endpoints: <c>/log/{**path}</c> (every client format) and <c>POST /api/events</c> (JsonBatch).</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).RequireApiKey(ApiKeyRole.Ingest);
        group.MapMethods("/log/{**path}", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, IngestPipeline pipeline, ILogger<IngestPipeline> logger, string? path) =>
            IngestAsync(context, pipeline, logger, path ?? string.Empty));
        group.MapPost("/api/events", (HttpContext context, IngestPipeline pipeline, ILogger<IngestPipeline> logger) =>
            IngestAsync(context, pipeline, logger, string.Empty));
        return routes;
    }

    /// <summary>
    /// The status of every outcome (issue 15 §4): bad input is a 4xx with its reason; a store that cannot
    /// take writes is a 503 with Retry-After (the client retries the same batch); a client that went away
    /// is noted at Debug; anything else is a defect: 500, logged once with the request's format.
    /// </summary>
    private static async Task<Results<Ok<IngestResponse>, JsonHttpResult<ErrorResponse>>> IngestAsync(
        HttpContext context, IngestPipeline pipeline, ILogger logger, string path)
    {
        try
        {
            return TypedResults.Ok(await pipeline.IngestAsync(context, path, context.RequestAborted));
        }
        catch (IngestRejectedException e)
        {
            if (e.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }
            else
            {
                CollectorLog.IngestRejected(logger, path, e.StatusCode, e.Message);
            }

            return ErrorResults.Create(e.StatusCode, e.Message);
        }
        catch (EventStoreUnavailableException e)
        {
            // Nothing was committed; the same batch can succeed later.
            CollectorLog.StoreUnavailable(logger, e.Message);
            context.Response.Headers.RetryAfter = pipeline.StoreRetryAfterSeconds;
            return ErrorResults.Create(StatusCodes.Status503ServiceUnavailable, "storage unavailable; retry later");
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            CollectorLog.ClientDisconnected(logger, path, e.Message);
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "request aborted");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CollectorLog.IngestFailed(logger, e, FormatName(context.Request), path);
            return ErrorResults.Create(StatusCodes.Status500InternalServerError, "internal error while ingesting; the request was not stored");
        }
    }

    private static string FormatName(HttpRequest request)
    {
        try
        {
            return IngestPipeline.DetectFormat(request).ToString();
        }
        catch (IngestRejectedException)
        {
            return "unknown";
        }
    }
}
