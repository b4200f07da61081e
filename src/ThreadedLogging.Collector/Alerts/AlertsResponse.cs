namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// <c>GET /api/alerts</c>: the rules and their state. <see cref="Evaluating"/> says whether this collector evaluates them
/// (with collectors sharing a PostgreSQL database, one does: ask it for the state). <see cref="Audit"/>: the newest
/// changes of the rules made through the API, newest first.
/// </summary>
internal sealed record AlertsResponse(bool Evaluating, TimeSpan Interval, IReadOnlyList<AlertStatusDto> Alerts, IReadOnlyList<AlertRuleChangeDto> Audit);

/// <summary>One audit line on the wire: <see cref="Rule"/> is <see cref="AlertRuleDescription"/>'s JSON as it was then.</summary>
internal sealed record AlertRuleChangeDto(long RuleId, string Action, string By, DateTimeOffset At, string Rule);
