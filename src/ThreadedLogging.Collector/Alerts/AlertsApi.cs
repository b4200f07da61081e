using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// <c>GET /api/alerts</c> (read key): each rule, its query, when it last fired and its last failure, and the audit.
/// <c>POST /api/alerts</c>, <c>PUT</c> and <c>DELETE /api/alerts/{id}</c> (admin key, as level rules): the rules made
/// through the API; configured rules are read-only (409). docs/QUERY.md.
/// </summary>
internal static class AlertsApi
{
    private const int AuditLimit = 100;

    private const string BodyIs = "an alert rule (an object: name, query, threshold, window, cooldown, webhook, headers)";

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").RequireApiKey(ApiKeyRole.Read).RefuseUnknownQueryParameters().MapGet("/alerts", GetAsync);
        var admin = routes.MapGroup("/api/alerts").RequireApiKey(ApiKeyRole.Admin).RefuseUnknownQueryParameters();
        admin.MapPost(string.Empty, CreateAsync);
        admin.MapPut("/{id:long}", ChangeAsync);
        admin.MapDelete("/{id:long}", DeleteAsync);
        admin.MapPut("/{name}", RefuseByName);
        admin.MapDelete("/{name}", RefuseByName);
        return routes;
    }

    private static async Task<Ok<AlertsResponse>> GetAsync(AlertEvaluator evaluator, IAlertRuleStore store, CollectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var rules = await evaluator.ListAsync(cancellationToken);
        var audit = await store.AuditAsync(AuditLimit, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new AlertsResponse(
            evaluator.Evaluating,
            options.Alerts.Interval,
            [.. rules.Select(r => ToDto(r.Rule, r.State, now))],
            [.. audit.Select(c => new AlertRuleChangeDto(c.RuleId, c.Action, c.By, c.At, c.Rule))]));
    }

    private static async Task<Results<Created<AlertStatusDto>, JsonHttpResult<ErrorResponse>>> CreateAsync(
        HttpContext context, AlertEvaluator evaluator, IAlertRuleStore store, CollectorOptions options, ApiKeyRing keys, TimeProvider time, ILogger<AlertEvaluator> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequestBody.ReadAsync<AlertRuleRequest>(context.Request, BodyIs, cancellationToken);
        if (bodyError is not null || body is null)
        {
            return bodyError ?? ErrorResults.Create(StatusCodes.Status400BadRequest, "a JSON body is required");
        }

        var by = AdminActor.Of(keys, context.Request);
        var now = time.GetUtcNow();
        if (!body.TryCreate(null, options, by, now, out var rule, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (ConfiguredNamed(evaluator, rule.Name) is { } configured)
        {
            return configured;
        }

        var stored = await store.AddAsync(rule, Describe, cancellationToken);
        if (stored is null)
        {
            return ErrorResults.Create(StatusCodes.Status409Conflict, $"'name': an alert rule named '{rule.Name}' exists already (names are unique, ignoring case)");
        }

        CollectorLog.AlertRuleChanged(logger, stored.Id, "created", by, Describe(stored));
        return TypedResults.Created($"{context.Request.PathBase}/api/alerts/{stored.Id}", ToDto(stored, options, now));
    }

    private static async Task<Results<Ok<AlertStatusDto>, JsonHttpResult<ErrorResponse>>> ChangeAsync(
        long id, HttpContext context, AlertEvaluator evaluator, IAlertRuleStore store, CollectorOptions options, ApiKeyRing keys, TimeProvider time, ILogger<AlertEvaluator> logger, CancellationToken cancellationToken)
    {
        var (body, bodyError) = await JsonRequestBody.ReadAsync<AlertRuleRequest>(context.Request, BodyIs, cancellationToken);
        if (bodyError is not null || body is null)
        {
            return bodyError ?? ErrorResults.Create(StatusCodes.Status400BadRequest, "a JSON body is required");
        }

        var existing = (await store.ListAsync(cancellationToken)).FirstOrDefault(r => r.Id == id);
        if (existing is null)
        {
            return NoRule(id);
        }

        var by = AdminActor.Of(keys, context.Request);
        var now = time.GetUtcNow();
        if (!body.TryCreate(existing, options, by, now, out var rule, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (ConfiguredNamed(evaluator, rule.Name) is { } configured)
        {
            return configured;
        }

        switch (await store.UpdateAsync(rule, Describe, cancellationToken))
        {
            case AlertRuleWrite.NotFound:
                return NoRule(id); // deleted meanwhile
            case AlertRuleWrite.NameTaken:
                return ErrorResults.Create(StatusCodes.Status409Conflict, $"'name': another alert rule is named '{rule.Name}' (names are unique, ignoring case)");
        }

        CollectorLog.AlertRuleChanged(logger, id, "changed", by, Describe(rule));
        return TypedResults.Ok(ToDto(rule, options, now));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteAsync(
        long id, HttpContext context, IAlertRuleStore store, ApiKeyRing keys, TimeProvider time, ILogger<AlertEvaluator> logger, CancellationToken cancellationToken)
    {
        var by = AdminActor.Of(keys, context.Request);
        if (!await store.DeleteAsync(id, by, time.GetUtcNow(), cancellationToken))
        {
            return NoRule(id);
        }

        CollectorLog.AlertRuleChanged(logger, id, "deleted", by, string.Empty);
        return TypedResults.NoContent();
    }

    /// <summary><c>PUT</c> or <c>DELETE /api/alerts/{name}</c>: a configured rule is read-only; the others are addressed by id.</summary>
    private static JsonHttpResult<ErrorResponse> RefuseByName(string name, AlertEvaluator evaluator) =>
        ConfiguredNamed(evaluator, name)
        ?? ErrorResults.Create(StatusCodes.Status404NotFound, $"no alert rule '{LoggedText.Of(name)}': the rules made through the API are changed by their id (GET /api/alerts shows it)");

    private static JsonHttpResult<ErrorResponse>? ConfiguredNamed(AlertEvaluator evaluator, string name) =>
        evaluator.Configured.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } configured
            ? ErrorResults.Create(StatusCodes.Status409Conflict, $"'{configured.Name}' is a configured rule (Collector:Alerts:Rules): read-only here, changed in the collector's settings")
            : null;

    private static JsonHttpResult<ErrorResponse> NoRule(long id) => ErrorResults.Create(StatusCodes.Status404NotFound, $"no alert rule {id} made through the API");

    private static string Describe(StoredAlertRule rule) =>
        JsonSerializer.Serialize(AlertRuleDescription.From(rule), CollectorJsonContext.Default.AlertRuleDescription);

    /// <summary>A rule just stored, as <c>GET /api/alerts</c> shows it (nothing evaluated yet).</summary>
    private static AlertStatusDto ToDto(StoredAlertRule stored, CollectorOptions options, DateTimeOffset now)
    {
        var rule = AlertRule.FromStored(stored, options.Alerts.Interval, options, []) ?? throw new InvalidOperationException("A rule checked before it was stored is refused after.");
        return ToDto(rule, new AlertRuleState(rule.QueryText), now);
    }

    /// <summary>The rule as shown; its events link is its window ending <paramref name="now"/>, what it would count now.</summary>
    private static AlertStatusDto ToDto(AlertRule rule, AlertRuleState state, DateTimeOffset now)
    {
        var status = state.Status;
        return new AlertStatusDto(
            rule.Stored?.Id,
            rule.Stored is null,
            rule.Name,
            rule.QueryText,
            rule.Threshold,
            rule.Window,
            rule.Cooldown,
            rule.Webhook.Host,
            status.LastEvaluated,
            status.LastCount,
            status.LastFiredFrom,
            status.LastFired,
            status.LastFiredCount,
            status.LastFailure,
            status.LastFailureReason,
            state.PendingFrom is not null,
            ConsoleLink.Path(rule, now - rule.Window, now),
            status is { LastFiredFrom: { } from, LastFired: { } to } ? ConsoleLink.Path(rule, from, to) : null,
            rule.Stored?.CreatedBy,
            rule.Stored?.Created,
            rule.Stored?.ChangedBy,
            rule.Stored?.Changed);
    }
}
