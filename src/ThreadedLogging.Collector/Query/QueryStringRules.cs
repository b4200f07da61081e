using System.Globalization;

namespace ThreadedLogging.Collector.Query;

/// <summary>What every read endpoint's query string obeys: known names only, each once, and the shared parameters.</summary>
internal static class QueryStringRules
{
    /// <summary>Refuses an unknown or repeated parameter; <paramref name="known"/> lists the names in the reason.</summary>
    public static bool TryCheckNames(IQueryCollection query, IReadOnlyList<string> known, out string error)
    {
        error = string.Empty;
        foreach (var (key, values) in query)
        {
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                error = $"unknown parameter '{key}' ({string.Join(", ", known)})";
                return false;
            }

            if (values.Count > 1)
            {
                error = $"parameter '{key}' is given more than once";
                return false;
            }
        }

        return true;
    }

    /// <summary>The parameter's value, or null when absent or empty.</summary>
    public static string? Get(IQueryCollection query, string name) => query[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    /// <summary>Reads <c>limit</c> (1..<paramref name="maxLimit"/>), or keeps <paramref name="limit"/> when absent.</summary>
    public static bool TryLimit(IQueryCollection query, int maxLimit, ref int limit, out string error)
    {
        error = string.Empty;
        if (Get(query, "limit") is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            error = $"parameter 'limit' must be an integer between 1 and {maxLimit} (was '{text}')";
            return false;
        }

        return true;
    }

    /// <summary>Reads an ISO 8601 time parameter (UTC when no offset is given).</summary>
    public static bool TryTime(string? text, string name, out DateTimeOffset? time, ref string error)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            error = $"parameter '{name}' must be an ISO 8601 time, e.g. 2026-11-24T10:00:00Z (was '{text}')";
            return false;
        }

        time = parsed;
        return true;
    }
}
