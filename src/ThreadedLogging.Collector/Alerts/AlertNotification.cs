namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// The body posted to a rule's webhook (docs/QUERY.md, <em>Alerts</em>). <see cref="Text"/> is a one-line summary, so a
/// Slack or Teams incoming webhook (and anything else that reads <c>text</c>) shows it as is.
/// </summary>
internal sealed record AlertNotification(
    string Alert,
    string Text,
    long Count,
    int Threshold,
    DateTimeOffset From,
    DateTimeOffset To,
    string Query,
    string? Link,
    IReadOnlyList<AlertEventSummary> Events);
