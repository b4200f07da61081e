using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Levels;

/// <summary>The effective levels of one identity: per category prefix, the most verbose live matching rule.</summary>
internal static class LevelResolver
{
    public static IReadOnlyList<EffectiveLevel> Resolve(IReadOnlyList<LevelRule> rules, string? app, string? version, string? user, string? machine, DateTimeOffset now)
    {
        if (rules.Count == 0)
        {
            return [];
        }

        var best = new Dictionary<string, LevelRule>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Expires <= now || !rule.Matches(app, version, user, machine))
            {
                continue;
            }

            var prefix = rule.Category ?? string.Empty;
            if (!best.TryGetValue(prefix, out var current)
                || rule.Level < current.Level
                || (rule.Level == current.Level && rule.Expires > current.Expires))
            {
                best[prefix] = rule;
            }
        }

        return [.. best.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new EffectiveLevel(p.Key, LevelNames.ToName(p.Value.Level), p.Value.Expires))];
    }

    /// <summary>The most verbose level of any matching rule, whatever its category (Seq's one switch per sink); null when none.</summary>
    public static LogLevel? MostVerbose(IReadOnlyList<LevelRule> rules, string? app, string? version, string? user, string? machine, DateTimeOffset now)
    {
        LogLevel? level = null;
        foreach (var rule in rules)
        {
            if (rule.Expires > now && rule.Matches(app, version, user, machine) && (level is null || rule.Level < level))
            {
                level = rule.Level;
            }
        }

        return level;
    }
}
