using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// <c>GET /api/ingest/sqs</c> (the consumer's counters) and <c>GET /api/ingest/sqs/poison?limit=</c> (the
/// messages set aside), behind the read key like the query API.
/// </summary>
internal static class SqsIngestApi
{
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapSqsIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/ingest/sqs").RequireApiKey(ApiKeyRole.Read).RefuseUnknownQueryParameters();
        group.MapGet(string.Empty, (SqsIngestStatistics statistics) => TypedResults.Json(statistics.Snapshot(), SqsIngestJsonContext.Default.SqsIngestSnapshot));
        group.MapGet("/poison", GetPoisonAsync).WithQueryParameters("limit");
        return routes;
    }

    private static async Task<Results<JsonHttpResult<SqsPoisonResponse>, JsonHttpResult<ErrorResponse>>> GetPoisonAsync(
        HttpRequest request, ISqsPoisonStore poison, CollectorOptions options, CancellationToken cancellationToken)
    {
        var limit = DefaultLimit;
        if (!QueryStringRules.TryLimit(request.Query, options.MaxQueryLimit, ref limit, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var (count, newest) = await poison.ListAsync(limit, cancellationToken);
        return TypedResults.Json(new SqsPoisonResponse(count, newest), SqsIngestJsonContext.Default.SqsPoisonResponse);
    }
}
