using System.Globalization;
using System.Text;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>Builds a rule's <see cref="AlertNotification"/>: its count, range, a few events, the console's link and the one-line text.</summary>
internal static class AlertMessage
{
    /// <summary>How many matching events a notification carries (the newest).</summary>
    public const int EventCount = 5;

    /// <summary>The most characters of an event's message a notification carries.</summary>
    public const int MessageLength = 300;

    public static AlertNotification Create(AlertRule rule, long count, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<StoredEvent> events, Uri? publicUrl)
    {
        var summaries = events.Take(EventCount)
            .Select(e => new AlertEventSummary(e.Id, e.Timestamp, LevelNames.ToName(e.Level), e.User, e.App, QueryStringRules.Excerpt(e.Message, MessageLength)))
            .ToList();
        var link = publicUrl is null ? null : ConsoleLink.Create(publicUrl, rule, from, to);
        return new AlertNotification(rule.Name, Text(rule, count, from, to, summaries, link), count, rule.Threshold, from, to, rule.QueryText, link, summaries);
    }

    /// <summary>
    /// One line: the rule, how many events, the query and the range, the newest event, the link. Slack reads <c>&amp;</c>,
    /// <c>&lt;</c> and <c>&gt;</c> as its markup (<c>&lt;!channel&gt;</c> notifies everyone): an event's text is the
    /// logging app's, so those three are written as Slack asks (<c>&amp;amp;</c>, <c>&amp;lt;</c>, <c>&amp;gt;</c>).
    /// </summary>
    private static string Text(AlertRule rule, long count, DateTimeOffset from, DateTimeOffset to, List<AlertEventSummary> events, string? link)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Alert '{rule.Name}': {Counted.Events(count)}")
            .Append(rule.QueryText.Length > 0 ? $" matching {rule.QueryText}" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $" from {Time(from)} to {Time(to)} (threshold {rule.Threshold}).");
        if (events.Count > 0)
        {
            var e = events[0];
            text.Append(CultureInfo.InvariantCulture, $" Latest: {e.Level}")
                .Append(e.User is null ? string.Empty : $" user {e.User}")
                .Append(e.App is null ? string.Empty : $" app {e.App}")
                .Append(": ").Append(e.Message);
        }

        var line = string.Join(' ', text.ToString().Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        line = line.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        return link is null ? line : line + " " + link;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
