namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// One alert rule's saved state (<see cref="IAlertStateStore"/>). <see cref="Query"/> is the rule's query as it was
/// configured then: a rule whose query changed since starts afresh, since its events are others.
/// </summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Query">The rule's query text when the state was saved.</param>
/// <param name="NotifiedTo">The end of the last range notified.</param>
/// <param name="PendingFrom">The start of a range whose notification failed, to send again.</param>
/// <param name="QuietUntil">When the rule may fire again (its cooldown).</param>
/// <param name="LastFiredFrom">The start of the last range notified.</param>
/// <param name="LastFiredCount">How many events the last notification counted.</param>
internal sealed record SavedAlertState(
    string Rule, string Query, DateTimeOffset? NotifiedTo, DateTimeOffset? PendingFrom, DateTimeOffset QuietUntil, DateTimeOffset? LastFiredFrom, long? LastFiredCount);
