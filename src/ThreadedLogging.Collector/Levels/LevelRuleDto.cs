using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Levels;

/// <summary>A level rule on the wire (<c>GET /api/levels</c>, the 201 of <c>POST</c>).</summary>
internal sealed record LevelRuleDto(
    long Id, string? App, string? Version, string? User, string? Machine, string? Category, string Level, DateTimeOffset Expires, string CreatedBy, DateTimeOffset Created)
{
    public static LevelRuleDto From(LevelRule rule) => new(
        rule.Id, rule.App, rule.Version, rule.User, rule.Machine, rule.Category, LevelNames.ToName(rule.Level), rule.Expires, rule.CreatedBy, rule.Created);
}

/// <summary>The body of <c>GET /api/levels</c>: the live rules and the newest changes.</summary>
internal sealed record LevelRulesResponse(IReadOnlyList<LevelRuleDto> Rules, IReadOnlyList<LevelRuleChangeDto> Audit);

/// <summary>One audit line on the wire.</summary>
internal sealed record LevelRuleChangeDto(long RuleId, string Action, string By, DateTimeOffset At, string Rule);
