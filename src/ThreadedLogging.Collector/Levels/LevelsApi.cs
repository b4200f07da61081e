using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Levels;

/// <summary>
/// Support-controlled levels (issue 13): <c>POST /api/levels</c>, <c>DELETE /api/levels/{id}</c> (admin key),
/// <c>GET /api/levels</c> (read key: live rules and audit), <c>GET /api/levels/effective</c> (ingest key: what a client ships at).
/// </summary>
internal static class LevelsApi
{
    private const int AuditLimit = 100;

    public static IEndpointRouteBuilder MapLevels(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/levels").RequireApiKey(ApiKeyRole.Admin).RefuseUnknownQueryParameters();
        admin.MapPost(string.Empty, CreateAsync);
        admin.MapDelete("/{id:long}", RevokeAsync);
        routes.MapGroup("/api/levels").RequireApiKey(ApiKeyRole.Read).RefuseUnknownQueryParameters().MapGet(string.Empty, ListAsync);
        // Not refused here: clients poll this one (HttpBatchSink.PollLevelsAsync) and ignore a failed answer, so a newer
        // client's extra parameter answered with a 400 would silently lose its levels; like ingest, it reads what it knows.
        routes.MapGroup("/api/levels").RequireApiKey(ApiKeyRole.Ingest, ingests: false).MapGet("/effective", GetEffectiveAsync);
        return routes;
    }

    private static async Task<Results<Created<LevelRuleDto>, JsonHttpResult<ErrorResponse>>> CreateAsync(
        HttpContext context, ILevelRuleStore store, LevelRuleCache cache, CollectorOptions options, ApiKeyRing keys, TimeProvider time, ILogger<LevelRuleCache> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequestBody.ReadAsync<LevelRuleRequest>(context.Request, "a level rule (an object of strings)", cancellationToken);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (body is null)
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "a JSON body is required");
        }

        var by = AdminActor.Of(keys, context.Request);
        if (!body.TryCreate(options, time.GetUtcNow(), by, out var rule, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var json = string.Empty;
        var stored = await store.AddAsync(rule, withId => json = JsonSerializer.Serialize(LevelRuleDto.From(withId), CollectorJsonContext.Default.LevelRuleDto), cancellationToken);
        cache.Invalidate();
        CollectorLog.LevelRuleChanged(logger, stored.Id, "created", by, json);
        return TypedResults.Created($"{context.Request.PathBase}/api/levels/{stored.Id}", LevelRuleDto.From(stored));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> RevokeAsync(
        long id, HttpContext context, ILevelRuleStore store, LevelRuleCache cache, ApiKeyRing keys, TimeProvider time, ILogger<LevelRuleCache> logger, CancellationToken cancellationToken)
    {
        var by = AdminActor.Of(keys, context.Request);
        if (!await store.RevokeAsync(id, by, time.GetUtcNow(), cancellationToken))
        {
            return ErrorResults.Create(StatusCodes.Status404NotFound, $"no level rule {id}");
        }

        cache.Invalidate();
        CollectorLog.LevelRuleChanged(logger, id, "revoked", by, string.Empty);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<LevelRulesResponse>> ListAsync(ILevelRuleStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var rules = await store.ListLiveAsync(time.GetUtcNow(), cancellationToken);
        var audit = await store.AuditAsync(AuditLimit, cancellationToken);
        return TypedResults.Ok(new LevelRulesResponse(
            [.. rules.Select(LevelRuleDto.From)],
            [.. audit.Select(c => new LevelRuleChangeDto(c.RuleId, c.Action, c.By, c.At, c.Rule))]));
    }

    /// <summary>
    /// A client's levels. While no rules could be read since the start (a data folder's file unreadable, PostgreSQL
    /// down), 503 with the reason and <c>Retry-After</c>: a client keeps the rules it has (an empty list would end them).
    /// </summary>
    private static async Task<Results<Ok<EffectiveLevelsResponse>, JsonHttpResult<ErrorResponse>>> GetEffectiveAsync(
        HttpContext context, string? app, string? version, string? user, string? machine, LevelRuleCache cache, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await cache.GetAsync(cancellationToken) is not { } rules)
        {
            context.Response.Headers.RetryAfter = Ingest.IngestEndpoint.StoreRetryAfterSeconds;
            return ErrorResults.Create(StatusCodes.Status503ServiceUnavailable, $"the level rules cannot be read now ({cache.Unreadable}); a client keeps the rules it has");
        }

        return TypedResults.Ok(new EffectiveLevelsResponse(LevelResolver.Resolve(rules, app, version, user, machine, time.GetUtcNow())));
    }
}
