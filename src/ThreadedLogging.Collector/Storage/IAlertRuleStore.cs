namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Where the alert rules made through the API (<c>POST /api/alerts</c>) and their audit are kept: in the engine of the
/// event store (<c>Collector:Store</c>), so that every collector of a PostgreSQL database sees the same rules and the
/// one holding the alert lease evaluates them. Names are unique, ignoring case. <c>describe</c> writes the audit's text
/// of a rule given with its id.
/// </summary>
internal interface IAlertRuleStore
{
    /// <summary>Stores a new rule (its <see cref="StoredAlertRule.Id"/> is ignored) and audits it; null when its name is taken.</summary>
    Task<StoredAlertRule?> AddAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken);

    /// <summary>Replaces the rule of <see cref="StoredAlertRule.Id"/> and audits it as changed by <see cref="StoredAlertRule.ChangedBy"/>.</summary>
    Task<AlertRuleWrite> UpdateAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken);

    /// <summary>Deletes a rule and audits it; false when there is no such rule.</summary>
    Task<bool> DeleteAsync(long id, string by, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Returns every rule, oldest first.</summary>
    Task<IReadOnlyList<StoredAlertRule>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Returns the newest <paramref name="limit"/> changes, newest first.</summary>
    Task<IReadOnlyList<AlertRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>What became of a change of an alert rule.</summary>
internal enum AlertRuleWrite
{
    /// <summary>Stored and audited.</summary>
    Done,

    /// <summary>There is no rule of that id.</summary>
    NotFound,

    /// <summary>Another rule has that name (ignoring case).</summary>
    NameTaken,
}
