namespace ThreadedLogging.Collector.Alerts;

/// <summary>What <c>GET /api/alerts</c> shows of a rule's state (the last notification's range is <c>(LastFiredFrom, LastFired]</c>).</summary>
internal sealed record AlertRuleStatus(
    DateTimeOffset? LastEvaluated, long? LastCount, DateTimeOffset? LastFiredFrom, DateTimeOffset? LastFired, long? LastFiredCount, DateTimeOffset? LastFailure, string? LastFailureReason);
