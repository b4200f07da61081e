using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>Ingest endpoints: <c>/log/{**path}</c> and <c>POST /api/events</c> (every client format, told by method and Content-Type).</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).RequireApiKey(ApiKeyRole.Ingest).AnswersIngestFailures((_, status, reason) => ErrorResults.Create(status, reason));
        group.MapMethods("/log/{**path}", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, IngestEndpoint endpoint, IngestDecoders decoders, LevelRuleCache levels, TimeProvider time, string? path) =>
            IngestAsync(context, endpoint, decoders, levels, time, RawRouteValue.Of(context, path ?? string.Empty)));
        group.MapPost("/api/events", (HttpContext context, IngestEndpoint endpoint, IngestDecoders decoders, LevelRuleCache levels, TimeProvider time) =>
            IngestAsync(context, endpoint, decoders, levels, time, string.Empty));
        return routes;
    }

    private static async Task<IResult> IngestAsync(HttpContext context, IngestEndpoint endpoint, IngestDecoders decoders, LevelRuleCache levels, TimeProvider time, string path)
    {
        // Issue 13: the rules are read before the request (from memory, at most every few seconds from the store), so that
        // the answer can carry the effective levels of the identity just received.
        var rules = await levels.GetAsync(context.RequestAborted);
        return await endpoint.HandleAsync(context, decoders.ForLogRequest, path,
            (result, decoded) => TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicate, result.Duplicates, EffectiveLevels(rules, decoded.Batch, time))),
            ErrorResults.Create);
    }

    /// <summary>Issue 13: the effective levels of the identity just received (a JsonBatch has one; else the last event's); null without rules read.</summary>
    private static IReadOnlyList<EffectiveLevel>? EffectiveLevels(IReadOnlyList<LevelRule>? rules, EventBatch batch, TimeProvider time)
    {
        if (rules is null)
        {
            return null;
        }

        if (batch.Events.Count == 0)
        {
            return [];
        }

        var last = batch.Events[^1];
        return LevelResolver.Resolve(rules, last.App, last.Version, last.User, last.Machine, time.GetUtcNow());
    }
}
