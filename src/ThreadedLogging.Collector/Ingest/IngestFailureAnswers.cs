using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The answer of an ingest endpoint (<c>/log</c>, <c>/api/events</c>, Seq's, OTLP/HTTP, OTLP/gRPC) to an exception that
/// escaped it: outside <see cref="IngestEndpoint.RunAsync"/>'s own catch (the level rules' read, an answer being built, a
/// key check), or a cancellation that was not the client's (a store's own timeout). Before, Kestrel answered an empty 500,
/// which ThreadedLogging's JsonBatch client takes for a proxy's during an outage and retries for ever, holding back every
/// batch after it; now a 500 in the endpoint's format (<c>{"error": …}</c>, OTLP's <c>google.rpc.Status</c>, gRPC's
/// INTERNAL), logged once as <see cref="IngestRefusals.Escaped"/> says and counted as a failed request.
/// </summary>
internal static class IngestFailureAnswers
{
    /// <summary>The answer's reason: whether anything was stored is not known here.</summary>
    public const string Reason = "internal error while ingesting; the collector's log says why";

    /// <summary>Answers an exception escaping <paramref name="builder"/>'s endpoints with <paramref name="answer"/>(context, 500, <see cref="Reason"/>).</summary>
    public static TBuilder AnswersIngestFailures<TBuilder>(this TBuilder builder, Func<HttpContext, int, string, IResult> answer)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Answer(answer));

    /// <summary>The middleware: around every endpoint (after routing), it answers only for those marked <see cref="AnswersIngestFailures"/>.</summary>
    public static IApplicationBuilder UseIngestFailureAnswers(this IApplicationBuilder app) => app.Use(AnswerAsync);

    /// <summary>Logs (rate-limited) and counts an exception that escaped an ingest endpoint of <paramref name="format"/> (<c>unknown</c> before a decoder is known).</summary>
    public static void Said(HttpContext context, Exception exception, string format)
    {
        var services = context.RequestServices;
        services.GetRequiredService<IngestRefusals>().Escaped(RemoteAddressKey.Of(context.Connection.RemoteIpAddress), format, LoggedText.Of(context.Request.Path.Value ?? string.Empty), exception);
        services.GetRequiredService<CollectorMetrics>().IngestAnswered(format, new IngestOutcome(StatusCodes.Status500InternalServerError, Reason), services.GetRequiredService<TimeProvider>(), admittedAt: null);
    }

    /// <summary>Whether <paramref name="exception"/> is the client's going away (nothing to answer, nothing to log).</summary>
    public static bool ClientWentAway(Exception exception, CancellationToken aborted) =>
        exception is OperationCanceledException && aborted.IsCancellationRequested;

    private static async Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetEndpoint()?.Metadata.GetMetadata<Answer>() is not null && !ClientWentAway(e, context.RequestAborted))
        {
            Said(context, e, "unknown");
            if (context.Response.HasStarted)
            {
                context.Abort(); // an answer already under way: cut, the client sees an incomplete one
                return;
            }

            context.Response.Clear();
            await context.GetEndpoint()!.Metadata.GetMetadata<Answer>()!.Create(context, StatusCodes.Status500InternalServerError, Reason).ExecuteAsync(context);
        }
    }

    /// <summary>Endpoint metadata: how the endpoint's protocol answers a failure.</summary>
    private sealed class Answer(Func<HttpContext, int, string, IResult> create)
    {
        public IResult Create(HttpContext context, int status, string reason) => create(context, status, reason);
    }
}
