using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Alerts;

/// <summary><c>GET /api/alerts</c> (read key): each rule, its query, when it last fired and its last failure. docs/QUERY.md.</summary>
internal static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api").RequireApiKey(ApiKeyRole.Read).RefuseUnknownQueryParameters().MapGet("/alerts", Get);
        return routes;
    }

    private static AlertsResponse Get(AlertEvaluator evaluator, CollectorOptions options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new(evaluator.Evaluating, options.Alerts.Interval, [.. evaluator.Rules.Select(r => ToDto(r.Rule, r.State, now))]);
    }

    /// <summary>The rule as shown; its events link is its window ending <paramref name="now"/>, what it would count now.</summary>
    private static AlertStatusDto ToDto(AlertRule rule, AlertRuleState state, DateTimeOffset now)
    {
        var status = state.Status;
        return new AlertStatusDto(
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
            status is { LastFiredFrom: { } from, LastFired: { } to } ? ConsoleLink.Path(rule, from, to) : null);
    }
}
