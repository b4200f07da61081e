using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>GET /health</c>: 200 <c>{"status":"ok"}</c> once the store is open and can be reached; 200 <c>"degraded"</c> with
/// <c>reasons</c> while it still answers but something is wrong (writes fail: a full disk; the full-text index's writes
/// fail); 503 <c>"starting"</c> before the store is open, 503 <c>"unavailable"</c> while it cannot be reached (PostgreSQL
/// down). A degraded collector is still alive and serves what it holds, so <c>/health</c> stays 200: a liveness probe
/// that restarted it would not free the disk. <c>GET /health/ready</c> is the same with 503 while writes fail too, for a
/// readiness probe or a load balancer that should send ingest elsewhere meanwhile. The store check is the engine's
/// (<see cref="IStoreAvailability.CheckAsync"/>), cached briefly. Both need no key, so no reason names a server: the
/// database's address and the driver's error are for the read API's 503 (read key) and the log only.
/// </summary>
internal static class HealthApi
{
    /// <summary>The reason an unavailable store gives at <c>/health</c>.</summary>
    public const string UnavailableReason = "the event store cannot be reached; a read with the read key answers 503 with why";

    /// <summary>The readiness path: 503 while the collector cannot take events.</summary>
    public const string ReadyPath = "/health/ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (IEventStore store, IStoreAvailability availability, IStoreStatus status, StoreWriteState writes, CancellationToken cancellationToken) =>
            GetAsync(store, availability, status, writes, ready: false, cancellationToken));
        app.MapGet(ReadyPath, (IEventStore store, IStoreAvailability availability, IStoreStatus status, StoreWriteState writes, CancellationToken cancellationToken) =>
            GetAsync(store, availability, status, writes, ready: true, cancellationToken));
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetAsync(
        IEventStore store, IStoreAvailability availability, IStoreStatus status, StoreWriteState writes, bool ready, CancellationToken cancellationToken)
    {
        if (!store.IsReady)
        {
            return Unavailable(new HealthResponse("starting"));
        }

        if (await availability.CheckAsync(cancellationToken) is not null)
        {
            return Unavailable(new HealthResponse("unavailable", UnavailableReason));
        }

        var reasons = new List<string>();
        var failure = writes.Current;
        if (failure is not null)
        {
            reasons.Add($"writes failing since {Time(failure.Since)}: {failure.Reason}");
        }

        var now = status.Read();
        if (now.IndexFailingSince is { } indexFailing)
        {
            reasons.Add($"full-text index {now.IndexBehind.ToString(CultureInfo.InvariantCulture)} events behind, its writes failing since {Time(indexFailing)}");
        }

        if (reasons.Count == 0)
        {
            return TypedResults.Ok(new HealthResponse("ok"));
        }

        var degraded = new HealthResponse("degraded", Reasons: reasons);
        return ready && failure is not null ? Unavailable(degraded) : TypedResults.Ok(degraded);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static JsonHttpResult<HealthResponse> Unavailable(HealthResponse response) =>
        TypedResults.Json(response, CollectorJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
