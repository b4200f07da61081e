namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Where level rules and their audit are kept: in the engine of the event store (<c>Collector:Store</c>), so
/// that every collector sharing a PostgreSQL database sees the same rules.
/// </summary>
internal interface ILevelRuleStore
{
    /// <summary>
    /// Stores a new rule (its <see cref="LevelRule.Id"/> is ignored) and audits it as <paramref name="describe"/> writes it,
    /// given the rule with its id; returns the rule with its id.
    /// </summary>
    Task<LevelRule> AddAsync(LevelRule rule, Func<LevelRule, string> describe, CancellationToken cancellationToken);

    /// <summary>Returns the rules that expire after <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<LevelRule>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes a rule and audits it; false when there is no such rule.</summary>
    Task<bool> RevokeAsync(long id, string by, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns the newest <paramref name="limit"/> changes, newest first.</summary>
    Task<IReadOnlyList<LevelRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken);
}
