namespace ThreadedLogging.Collector.Alerts;

/// <summary>What <c>GET /api/alerts</c> shows of a rule's state.</summary>
internal sealed record AlertRuleStatus(
    DateTimeOffset? LastEvaluated, long? LastCount, DateTimeOffset? LastFired, long? LastFiredCount, DateTimeOffset? LastFailure, string? LastFailureReason);
