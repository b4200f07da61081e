namespace ThreadedLogging.Collector.Storage;

/// <summary>One line of the audit of level rules: who created or revoked which rule, and when.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="Action"><c>created</c> or <c>revoked</c>.</param>
/// <param name="By">The name of the key that made the change.</param>
/// <param name="At">When.</param>
/// <param name="Rule">The rule as JSON at the time of the change.</param>
internal sealed record LevelRuleChange(long RuleId, string Action, string By, DateTimeOffset At, string Rule);
