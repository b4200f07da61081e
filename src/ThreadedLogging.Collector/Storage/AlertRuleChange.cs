namespace ThreadedLogging.Collector.Storage;

/// <summary>One line of the audit of alert rules made through the API: who created, changed or deleted which rule, and when.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="Action"><c>created</c>, <c>changed</c> or <c>deleted</c>.</param>
/// <param name="By">The name of the key that made the change.</param>
/// <param name="At">When.</param>
/// <param name="Rule">The rule as JSON at the time of the change, without its secrets (the webhook's host only, no headers).</param>
internal sealed record AlertRuleChange(long RuleId, string Action, string By, DateTimeOffset At, string Rule);
