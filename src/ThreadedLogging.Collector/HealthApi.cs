using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>GET /health</c>: 200 <c>{"status":"ok"}</c> once the store is open and can be reached; 503 <c>"starting"</c> before,
/// 503 <c>"unavailable"</c> while it cannot be reached (PostgreSQL down: a load balancer then sends ingest elsewhere). The
/// check is the engine's (<see cref="IStoreAvailability.CheckAsync"/>), cached briefly. <c>/health</c> needs no key, so its
/// reason names no server: the database's address and the driver's error are for the read API's 503 (read key) only.
/// </summary>
internal static class HealthApi
{
    /// <summary>The reason an unavailable store gives at <c>/health</c>.</summary>
    public const string UnavailableReason = "the event store cannot be reached; a read with the read key answers 503 with why";

    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Get(IEventStore store, IStoreAvailability availability, CancellationToken cancellationToken)
    {
        if (!store.IsReady)
        {
            return Unavailable(new HealthResponse("starting"));
        }

        return await availability.CheckAsync(cancellationToken) is not null
            ? Unavailable(new HealthResponse("unavailable", UnavailableReason))
            : TypedResults.Ok(new HealthResponse("ok"));
    }

    private static JsonHttpResult<HealthResponse> Unavailable(HealthResponse response) =>
        TypedResults.Json(response, CollectorJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
