using System.Globalization;

namespace ThreadedLogging;

/// <summary>
/// How the handler's own messages (self-log, drop notice) say a count: "1 event", "2 events", "0 events", with the
/// verb that agrees. The one place that rule lives.
/// </summary>
internal static class Counted
{
    /// <summary>"1 event", "0 events", "2 events".</summary>
    public static string Events(long count) => Of(count, "event", "events");

    /// <summary>The count and the noun that agrees with it, the number written the same in every culture.</summary>
    public static string Of(long count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Agree(count, one, many)}");

    /// <summary>The word that agrees with the count: <paramref name="one"/> for exactly one, else <paramref name="many"/>.</summary>
    public static string Agree(long count, string one, string many) => count == 1 ? one : many;
}
