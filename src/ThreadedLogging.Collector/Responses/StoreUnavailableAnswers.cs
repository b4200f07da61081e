using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Every endpoint's answer when the store cannot be reached (PostgreSQL down or restarting): 503 with
/// <c>Retry-After</c> and <c>{"error": "the event store is unavailable: …"}</c>, as ingest answers, and one log line
/// without a stack trace. Before, a read while PostgreSQL was down was a 500 with an empty body and Kestrel logged
/// Npgsql's stack trace for each request. Which failures mean "unavailable" is the engine's to say
/// (<see cref="IStoreAvailability.Unavailable"/>); anything else stays a defect (500, logged with its stack).
/// </summary>
internal static class StoreUnavailableAnswers
{
    public static IApplicationBuilder UseStoreUnavailableAnswers(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (Reason(context, e) is { } reason)
        {
            var logger = context.RequestServices.GetRequiredService<ILogger<IEventStore>>();
            CollectorLog.StoreUnavailableAnswered(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, reason);
            if (context.Response.HasStarted)
            {
                context.Abort(); // a stream already under way: cut, the client sees an incomplete answer
                return;
            }

            context.Response.Clear();
            context.Response.Headers.RetryAfter = IngestEndpoint.StoreRetryAfterSeconds;
            await ErrorResults.Create(StatusCodes.Status503ServiceUnavailable, "the event store is unavailable: " + reason).ExecuteAsync(context);
        }
    });

    private static string? Reason(HttpContext context, Exception e) =>
        e is EventStoreUnavailableException
            ? e.Message
            : context.RequestServices.GetRequiredService<IStoreAvailability>().Unavailable(e);
}
