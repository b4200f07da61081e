namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// A rule as <c>GET /api/alerts</c> shows it: its settings but the webhook's address (its host only) and headers
/// (secrets); <see cref="EventsLink"/> and <see cref="LastFiredLink"/> are the console's addresses of its events
/// (<see cref="ConsoleLink"/>, from the collector's root). <see cref="Id"/> is null and <see cref="ReadOnly"/> true for a
/// configured rule (<c>Collector:Alerts:Rules</c>): the API changes and deletes only the rules made through it.
/// </summary>
internal sealed record AlertStatusDto(
    long? Id,
    bool ReadOnly,
    string Name,
    string Query,
    int Threshold,
    TimeSpan Window,
    TimeSpan Cooldown,
    string WebhookHost,
    DateTimeOffset? LastEvaluated,
    long? LastCount,
    DateTimeOffset? LastFiredFrom,
    DateTimeOffset? LastFired,
    long? LastFiredCount,
    DateTimeOffset? LastFailure,
    string? LastFailureReason,
    bool Pending,
    string EventsLink,
    string? LastFiredLink,
    string? CreatedBy,
    DateTimeOffset? Created,
    string? ChangedBy,
    DateTimeOffset? Changed);
