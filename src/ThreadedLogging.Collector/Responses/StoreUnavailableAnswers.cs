using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Every endpoint's answer when the store cannot be reached (PostgreSQL down or restarting): 503 with
/// <c>Retry-After</c> and <c>{"error": "the event store is unavailable: …"}</c>, as ingest answers, and a log line
/// without a stack trace, at most one every <see cref="LogInterval"/> with how many were left out. Before, a read
/// while PostgreSQL was down was a 500 with an empty body and Kestrel logged Npgsql's stack trace for each request. Which failures mean "unavailable" is the engine's to say
/// (<see cref="IStoreAvailability.Unavailable"/>); anything else stays a defect (500, logged with its stack).
/// </summary>
internal static class StoreUnavailableAnswers
{
    /// <summary>The shortest time between two lines about 503 answers (the next one says how many were left out).</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    public static IApplicationBuilder UseStoreUnavailableAnswers(this IApplicationBuilder app)
    {
        // One line per interval, not per request: a console polling during an outage wrote one a second per user.
        var lines = new LogRateLimiter(LogInterval, app.ApplicationServices.GetRequiredService<TimeProvider>());
        return app.Use((context, next) => AnswerAsync(context, next, lines));
    }

    private static async Task AnswerAsync(HttpContext context, RequestDelegate next, LogRateLimiter lines)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (Reason(context, e) is { } reason)
        {
            var kind = "store-unavailable";
            if (lines.TryAcquire(ref kind, out var suppressed))
            {
                var logger = context.RequestServices.GetRequiredService<ILogger<IEventStore>>();
                CollectorLog.StoreUnavailableAnswered(logger, LoggedText.Of(context.Request.Method), LoggedText.Of(context.Request.Path.Value), reason, suppressed, LogInterval);
            }

            if (context.Response.HasStarted)
            {
                context.Abort(); // a stream already under way: cut, the client sees an incomplete answer
                return;
            }

            context.Response.Clear();
            context.Response.Headers.RetryAfter = IngestEndpoint.StoreRetryAfterSeconds;
            await ErrorResults.Create(StatusCodes.Status503ServiceUnavailable, "the event store is unavailable: " + reason).ExecuteAsync(context);
        }
    }

    private static string? Reason(HttpContext context, Exception e) =>
        e is EventStoreUnavailableException
            ? e.Message
            : context.RequestServices.GetRequiredService<IStoreAvailability>().Unavailable(e);
}
