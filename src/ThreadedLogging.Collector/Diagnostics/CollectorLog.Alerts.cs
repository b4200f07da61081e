namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's messages about alerts (ids 500+).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(500, LogLevel.Information, "Alert '{Alert}' fired: {Count} events from {From:O} to {To:O}; notified {Host}")]
    public static partial void AlertFired(ILogger logger, string alert, long count, DateTimeOffset from, DateTimeOffset to, string host);

    [LoggerMessage(501, LogLevel.Warning, "Alert '{Alert}' matched {Count} events but its webhook failed ({Reason}: {Detail}); the same events are sent again at the next evaluation, in {Interval} ({Suppressed} more failures of this rule since the last such line, at most one a minute)")]
    public static partial void AlertWebhookFailed(ILogger logger, string alert, long count, string reason, string detail, TimeSpan interval, long suppressed);

    [LoggerMessage(502, LogLevel.Error, "Alert '{Alert}' could not be evaluated; it is evaluated again in {Interval}")]
    public static partial void AlertEvaluationFailed(ILogger logger, Exception exception, string alert, TimeSpan interval);

    [LoggerMessage(503, LogLevel.Error, "Alerts could not be evaluated (the store did not say which collector evaluates them); again in {Interval}")]
    public static partial void AlertLeaseFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(504, LogLevel.Error, "Alerts could not be evaluated: the rules' saved state could not be read; again in {Interval}")]
    public static partial void AlertStateReadFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(505, LogLevel.Warning, "Alert '{Alert}': its state could not be saved; after a restart it may notify its last range again")]
    public static partial void AlertStateSaveFailed(ILogger logger, Exception exception, string alert);

    [LoggerMessage(506, LogLevel.Error, "The alert rules' evaluation failed; they are evaluated again in {Interval}")]
    public static partial void AlertLoopFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(507, LogLevel.Warning, "The alert rules made through the API could not be read; the last known ones are evaluated, and they are read again in {Interval}")]
    public static partial void AlertRulesUnavailable(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(508, LogLevel.Warning, "Alert rule {Id} '{Alert}' (made through the API) is not evaluated by this collector: {Reason}")]
    public static partial void AlertRuleRefused(ILogger logger, long id, string alert, string reason);

    [LoggerMessage(509, LogLevel.Information, "Alert rule {Id} {Action} by {By}: {Rule}")]
    public static partial void AlertRuleChanged(ILogger logger, long id, string action, string by, string rule);
}
