namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about level rules (ids 300+; issue 13).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(300, LogLevel.Warning, "Level rules could not be read; the last known rules stay in force, and a read is tried again every 5 s (said once, then when they are read again, id 302): {Reason}")]
    public static partial void LevelRulesUnavailable(ILogger logger, string reason);

    [LoggerMessage(302, LogLevel.Information, "Level rules read again after {Seconds} s; {Failed} reads failed meanwhile")]
    public static partial void LevelRulesReadAgain(ILogger logger, long seconds, long failed);

    [LoggerMessage(301, LogLevel.Information, "Level rule {Id} {Action} by {By}: {Rule}")]
    public static partial void LevelRuleChanged(ILogger logger, long id, string action, string by, string rule);
}
