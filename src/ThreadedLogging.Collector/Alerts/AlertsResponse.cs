namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// <c>GET /api/alerts</c>: the rules and their state. <see cref="Evaluating"/> says whether this collector evaluates them
/// (with collectors sharing a PostgreSQL database, one does: ask it for the state).
/// </summary>
internal sealed record AlertsResponse(bool Evaluating, TimeSpan Interval, IReadOnlyList<AlertStatusDto> Alerts);
