namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about level rules (ids 300+; issue 13).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(300, LogLevel.Warning, "Level rules could not be read; the last known rules stay in force: {Reason}")]
    public static partial void LevelRulesUnavailable(ILogger logger, string reason);

    [LoggerMessage(301, LogLevel.Information, "Level rule {Id} {Action} by {By}: {Rule}")]
    public static partial void LevelRuleChanged(ILogger logger, long id, string action, string by, string rule);
}
