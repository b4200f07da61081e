using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector;

/// <summary><c>GET /health</c>: 200 once the store is open and ingest is possible.</summary>
internal static class HealthApi
{
    public static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Get(IEventStore store) =>
        store.IsReady
            ? TypedResults.Ok(new HealthResponse("ok"))
            : TypedResults.Json(new HealthResponse("starting"), CollectorJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
