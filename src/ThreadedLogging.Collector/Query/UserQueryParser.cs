using System.Globalization;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>Reads the query string of <c>GET /api/users</c>; a bad parameter gives a reason for a 400.</summary>
internal static class UserQueryParser
{
    public const int DefaultLimit = 50;

    /// <summary>The window of the per-level counts when none is given: the last 24 hours.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>The parameters of <c>GET /api/users</c>.</summary>
    public static readonly string[] Known = ["search", "sort", "from", "to", "limit", "after"];

    /// <summary>Reads the parameters of <c>GET /api/users</c> (the names were checked by <see cref="QueryParameterFilter"/>).</summary>
    public static bool TryParse(IQueryCollection query, int maxLimit, DateTimeOffset now, TimeSpan maxClockSkew, out UserQuery result, out string error)
    {
        result = null!;
        error = string.Empty;
        string? Get(string name) => QueryStringRules.Get(query, name);

        // White space alone has no word (UserQuery.SearchWords): it matched every user, as if it had found them all.
        if (Get("search") is { } searchText && string.IsNullOrWhiteSpace(searchText))
        {
            error = $"parameter 'search' has no word to find (was '{QueryStringRules.Excerpt(searchText)}')";
            return false;
        }

        var sort = UserSort.LastSeen;
        if (Get("sort") is { } sortText && !TrySort(sortText, out sort))
        {
            error = $"parameter 'sort' must be lastSeen, latestError or name (was '{sortText}')";
            return false;
        }

        var limit = DefaultLimit;
        if (!QueryStringRules.TryLimit(query, maxLimit, ref limit, out error))
        {
            return false;
        }

        UserCursor? after = null;
        if (Get("after") is { } afterText)
        {
            if (!UserCursor.TryParse(afterText, out var cursor))
            {
                error = $"parameter 'after' is not a cursor from 'next' (was '{QueryStringRules.Excerpt(afterText)}')";
                return false;
            }

            after = cursor;
        }

        if (!QueryStringRules.TryTime(Get("from"), "from", out var from, ref error) || !QueryStringRules.TryTime(Get("to"), "to", out var to, ref error))
        {
            return false;
        }

        // Without a 'to' the window reaches as far ahead as ingest takes times (Collector:MaxClockSkew): an event of a
        // client whose clock is fast arrived now, and was left out of "the last 24 hours" while its user was listed.
        var windowTo = to ?? now + maxClockSkew;
        var end = to ?? now;
        // A 'to' within a day of year 1 has no full day before it: the window starts at the beginning of time.
        var windowFrom = from ?? (end - DateTimeOffset.MinValue < DefaultWindow ? DateTimeOffset.MinValue : end - DefaultWindow);
        if (windowFrom > windowTo)
        {
            error = QueryStringRules.FromAfterTo(windowFrom, windowTo);
            return false;
        }

        result = new UserQuery { Search = Get("search"), Sort = sort, Limit = limit, After = after, WindowFrom = windowFrom, WindowTo = windowTo };
        return true;
    }

    /// <summary>A sort's name only (Enum.TryParse also took `7` and `lastSeen,name`).</summary>
    private static bool TrySort(string text, out UserSort sort)
    {
        foreach (var value in Enum.GetValues<UserSort>())
        {
            if (string.Equals(text, value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                sort = value;
                return true;
            }
        }

        sort = default;
        return false;
    }
}
