using System.Globalization;

namespace ThreadedLogging.Collector;

/// <summary>How the collector's own texts (an alert's one-line text, the backup command's lines) say a count: the one place that rule lives.</summary>
internal static class Counted
{
    /// <summary>"1 event", "0 events", "12,345 events" (the number written the same in every culture).</summary>
    public static string Events(long count) => string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? "event" : "events")}");
}
