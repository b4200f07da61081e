using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Seq's ingest endpoints, so that an app logging with Serilog.Sinks.Seq (or any CLEF producer) only changes its
/// server URL: <c>POST /api/events/raw</c> (CLEF with <c>?clef</c> or <c>application/vnd.serilog.clef</c>, else Seq's
/// <c>{"Events":[…]}</c>) and <c>POST /ingest/clef</c>; the key also from <c>X-Seq-ApiKey</c> or <c>?apiKey=</c>;
/// <c>201 {"MinimumLevelAccepted": …}</c> as Seq answers.
/// </summary>
internal static class SeqIngestApi
{
    public static IEndpointRouteBuilder MapSeqIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).RequireApiKey(ApiKeyRole.Ingest, seqCompatible: true).AnswersIngestFailures((_, status, reason) => Error(status, reason));
        // Issue 13: the rules are read before the request (from memory, at most every few seconds from the store), so that
        // the answer can carry the level of the identity just received.
        group.MapPost("/api/events/raw", async (HttpContext context, IngestEndpoint endpoint, ClefDecoder clef, SeqJsonDecoder seqJson, ClefOptions options, LevelRuleCache levels, TimeProvider time) =>
        {
            var rules = await levels.GetAsync(context.RequestAborted) ?? []; // none read: the configured level
            return await endpoint.HandleAsync(context, request => IsClef(request) ? clef : seqJson, string.Empty, (_, decoded) => Created(options, rules, decoded.Batch, time), Error, StatusCodes.Status201Created);
        });
        group.MapPost("/ingest/clef", async (HttpContext context, IngestEndpoint endpoint, ClefDecoder clef, ClefOptions options, LevelRuleCache levels, TimeProvider time) =>
        {
            var rules = await levels.GetAsync(context.RequestAborted) ?? []; // none read: the configured level
            return await endpoint.HandleAsync(context, _ => clef, string.Empty, (_, decoded) => Created(options, rules, decoded.Batch, time), Error, StatusCodes.Status201Created);
        });
        return routes;
    }

    private static bool IsClef(HttpRequest request) =>
        request.Query.ContainsKey("clef")
        || (MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && type.MediaType.Equals(ClefDecoder.MediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Issue 13: a level rule matching the batch's identity (its last event) answers its most verbose level, so that a
    /// sink with a <c>controlLevelSwitch</c> follows it; otherwise the configured <c>Collector:Clef:MinimumLevelAccepted</c>.
    /// </summary>
    private static IResult Created(ClefOptions options, IReadOnlyList<LevelRule> rules, EventBatch batch, TimeProvider time)
    {
        var level = options.MinimumLevelAccepted;
        if (batch.Events.Count > 0)
        {
            var last = batch.Events[^1];
            if (LevelResolver.MostVerbose(rules, last.App, last.Version, last.User, last.Machine, time.GetUtcNow()) is { } rule)
            {
                level = SerilogLevelName(rule);
            }
        }

        return TypedResults.Json(new SeqIngestResponse(level), CollectorJsonContext.Default.SeqIngestResponse, statusCode: StatusCodes.Status201Created);
    }

    private static string SerilogLevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Verbose",
        LogLevel.Critical => "Fatal",
        _ => LevelNames.ToName(level),
    };

    private static IResult Error(int status, string reason) => ErrorResults.Create(status, reason);
}
