using System.Globalization;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Query;

/// <summary>What every read endpoint's query string obeys: known names only, each once, none too long (<see cref="QueryParameterFilter"/>), and the shared parameters.</summary>
internal static partial class QueryStringRules
{
    /// <summary>
    /// Refuses an unknown or repeated parameter (but <c>property</c>), and a value longer than its name takes
    /// (<see cref="QueryParameterLengths"/>); <paramref name="known"/> lists the names in the reason.
    /// </summary>
    public static bool TryCheckNames(IQueryCollection query, IReadOnlyList<string> known, int maxFieldLength, out string error)
    {
        error = string.Empty;
        foreach (var (key, values) in query)
        {
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                error = known.Count == 0 ? $"unknown parameter '{Excerpt(key)}' (this endpoint takes none)" : $"unknown parameter '{Excerpt(key)}' ({string.Join(", ", known)})";
                return false;
            }

            // A condition per value, AND-ed: the one parameter that is a list (an endpoint that does not read it refused it above).
            if (values.Count > 1 && !string.Equals(key, PropertyFilterParser.Parameter, StringComparison.OrdinalIgnoreCase))
            {
                error = $"parameter '{key}' is given more than once";
                return false;
            }

            var longest = QueryParameterLengths.Of(key, maxFieldLength); // once per parameter, not per value
            foreach (var value in values)
            {
                if (!IsShortEnough(key, value, longest, out error))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is no longer than <paramref name="longest"/>, what parameter <paramref name="name"/> takes
    /// (<see cref="QueryParameterLengths.Of"/>); else <paramref name="error"/> says so (<see cref="TooLong"/>). Also the check of a
    /// value given in the path in its place (<c>DELETE /api/users/{user}</c>), so that both forms have one reason.
    /// </summary>
    public static bool IsShortEnough(string name, string? value, int longest, out string error)
    {
        error = value?.Length > longest ? TooLong(name, value, longest) : string.Empty;
        return error.Length == 0;
    }

    /// <summary>The parameter's value, or null when absent or empty.</summary>
    public static string? Get(IQueryCollection query, string name) => query[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    /// <summary>Reads <c>limit</c> (1..<paramref name="maxLimit"/>), or keeps <paramref name="limit"/> when absent.</summary>
    public static bool TryLimit(IQueryCollection query, int maxLimit, ref int limit, out string error) =>
        TryCount(query, "limit", maxLimit, ref limit, out error);

    /// <summary>Reads the count <paramref name="name"/> (1..<paramref name="max"/>), or keeps <paramref name="value"/> when absent.</summary>
    public static bool TryCount(IQueryCollection query, string name, int max, ref int value, out string error)
    {
        error = string.Empty;
        if (Get(query, name) is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < 1 || value > max))
        {
            error = $"parameter '{name}' must be an integer between 1 and {max} (was '{text}')";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads an ISO 8601 time parameter (RFC 3339's forms: a date, or a date and a time to the minute, second or a
    /// fraction, <c>T</c> or a space between, then <c>Z</c>, an offset <c>±hh:mm</c> or nothing for UTC). Nothing else:
    /// .NET's own parsing also took <c>02/12/2026</c> (as 12 February), <c>10:00</c> (today on the collector's clock)
    /// or an RFC 1123 date, each silently read as a time the caller may not have meant.
    /// </summary>
    public static bool TryTime(string? text, string name, out DateTimeOffset? time, ref string error)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (!IsoTime().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            // An offset's '+' typed into a URL arrives as a space (form encoding): say so, it is the usual cause.
            var plus = OffsetAfterSpace().IsMatch(text) ? "; a '+' in a query string means a space: write the offset's + as %2B, or give the time in UTC with Z" : string.Empty;
            error = $"parameter '{name}' must be an ISO 8601 time, e.g. 2026-11-24T10:00:00Z or 2026-11-24 (was '{text}'){plus}";
            return false;
        }

        time = parsed;
        return true;
    }

    /// <summary>The most characters of a refused value a reason quotes (<see cref="Excerpt"/>).</summary>
    public const int ExcerptLength = 100;

    /// <summary>
    /// A value for a reason to quote: itself, or its first <see cref="ExcerptLength"/> characters and <c>…</c> when longer
    /// (a refused value may be 100 KB: the URL takes 128 KiB), never cutting a surrogate pair.
    /// </summary>
    public static string Excerpt(string text) => Excerpt(text, ExcerptLength);

    /// <summary>Its first <paramref name="max"/> characters and <c>…</c> when longer, never cutting a surrogate pair.</summary>
    public static string Excerpt(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>The reason a text parameter longer than <paramref name="max"/> is refused: its name, the limit, its start and its length.</summary>
    public static string TooLong(string name, string text, int max) =>
        $"parameter '{name}' is longer than {max} characters (was '{Excerpt(text)}', a value of {text.Length} characters)";

    /// <summary>The reason a range whose start is after its end is refused, with both ends as they were read.</summary>
    public static string FromAfterTo(DateTimeOffset from, DateTimeOffset to) =>
        $"parameter 'from' must not be after 'to' (from {from.UtcDateTime:O}, to {to.UtcDateTime:O})";

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? [0-9]{2}:[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetAfterSpace();
}
