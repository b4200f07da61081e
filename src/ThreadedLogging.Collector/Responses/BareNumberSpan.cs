using System.Globalization;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// A time span of the API written as a bare number: .NET reads <c>"1"</c> as a day, so <c>"duration":"1"</c> made a
/// 24 h level rule and an alert's <c>"window":"1"</c> a day. A span must hold a ':' (<c>hh:mm:ss</c>); the refusal of
/// a number says what .NET would have read, as the client's options do for <c>Logging:…</c> (its DaysNotSeconds).
/// </summary>
internal static class BareNumberSpan
{
    /// <summary>The reason <paramref name="text"/> is refused for <paramref name="field"/> (<c>'duration'</c>), or null when it has a ':'.</summary>
    public static string? Refusal(string field, string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? $"{field} is '{number}', which .NET reads as {number} {(number == 1 ? "day" : "days")}: write hh:mm:ss, {TimeSpan.FromSeconds(number):c} for {number} {(number == 1 ? "second" : "seconds")}"
            : null;
    }
}
