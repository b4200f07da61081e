using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>GET /health</c>: 200 <c>{"status":"ok"}</c> once the store is open and can be reached; 503 <c>"starting"</c> before,
/// 503 <c>"unavailable"</c> with the reason while it cannot be reached (PostgreSQL down: a load balancer then sends
/// ingest elsewhere). The check is the engine's (<see cref="IStoreAvailability.CheckAsync"/>), cached briefly.
/// </summary>
internal static class HealthApi
{
    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Get(IEventStore store, IStoreAvailability availability, CancellationToken cancellationToken)
    {
        if (!store.IsReady)
        {
            return Unavailable(new HealthResponse("starting"));
        }

        return await availability.CheckAsync(cancellationToken) is { } reason
            ? Unavailable(new HealthResponse("unavailable", reason))
            : TypedResults.Ok(new HealthResponse("ok"));
    }

    private static JsonHttpResult<HealthResponse> Unavailable(HealthResponse response) =>
        TypedResults.Json(response, CollectorJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
