namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// An alert rule made through <c>POST /api/alerts</c> as the store keeps it (<see cref="IAlertRuleStore"/>): the
/// settings a configured rule has (<c>Collector:Alerts:Rules</c>), checked before they are stored, and who made it.
/// </summary>
internal sealed record StoredAlertRule
{
    public long Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Gets the query string of <c>GET /api/events</c> (its filters).</summary>
    public required string Query { get; init; }

    public required int Threshold { get; init; }

    public required TimeSpan Window { get; init; }

    /// <summary>Gets how long the rule is quiet after it fired (null: its window).</summary>
    public TimeSpan? Cooldown { get; init; }

    /// <summary>Gets the webhook's address: a secret, stored but never shown.</summary>
    public required string Webhook { get; init; }

    /// <summary>Gets the headers sent with the notification: secrets, stored but never shown.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the name of the key that created the rule.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>Gets the name of the key that made the last change (the creation, or the last <c>PUT</c>).</summary>
    public required string ChangedBy { get; init; }

    public required DateTimeOffset Changed { get; init; }
}
