using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// A rule made through the API as the audit and the collector's log write it: its settings without its secrets (the
/// webhook's host only, the headers' names only).
/// </summary>
internal sealed record AlertRuleDescription(
    long Id, string Name, string Query, int Threshold, TimeSpan Window, TimeSpan Cooldown, string WebhookHost, IReadOnlyList<string> Headers)
{
    public static AlertRuleDescription From(StoredAlertRule rule) => new(
        rule.Id,
        rule.Name,
        rule.Query,
        rule.Threshold,
        rule.Window,
        rule.Cooldown ?? rule.Window,
        Uri.TryCreate(rule.Webhook, UriKind.Absolute, out var webhook) ? webhook.Host : string.Empty,
        [.. rule.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)]);
}
