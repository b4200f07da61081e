using System.Globalization;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>Reads the query string of <c>GET /api/events</c>; a bad parameter gives a reason for a 400.</summary>
internal static class EventQueryParser
{
    public const int DefaultLimit = 100;

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "app", "user", "machine", "path", "level", "from", "to", "q", "limit", "before",
    };

    public static bool TryParse(IQueryCollection query, int maxLimit, out EventQuery result, out string error)
    {
        result = new EventQuery();
        error = string.Empty;
        foreach (var (key, values) in query)
        {
            if (!Known.Contains(key))
            {
                error = $"unknown parameter '{key}' (app, user, machine, path, level, from, to, q, limit, before)";
                return false;
            }

            if (values.Count > 1)
            {
                error = $"parameter '{key}' is given more than once";
                return false;
            }
        }

        string? Get(string name) => query[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

        LogLevel? minLevel = null;
        if (Get("level") is { } levelText)
        {
            if (!LevelNames.TryParse(levelText, out var level))
            {
                error = $"parameter 'level' must be Trace, Debug, Information, Warning, Error or Critical (was '{levelText}')";
                return false;
            }

            minLevel = level;
        }

        if (!TryTime(Get("from"), "from", out var from, ref error) || !TryTime(Get("to"), "to", out var to, ref error))
        {
            return false;
        }

        var limit = DefaultLimit;
        if (Get("limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            error = $"parameter 'limit' must be an integer between 1 and {maxLimit} (was '{limitText}')";
            return false;
        }

        EventCursor? before = null;
        if (Get("before") is { } beforeText)
        {
            if (!EventCursor.TryParse(beforeText, out var cursor))
            {
                error = $"parameter 'before' is not a cursor from 'next' (was '{beforeText}')";
                return false;
            }

            before = cursor;
        }

        string[] words = [];
        if (Get("q") is { } q)
        {
            // Only words with a letter or digit can match a token; the rest ("-", "*") would be empty phrases.
            words = [.. q.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetterOrDigit))];
            if (words.Length == 0)
            {
                error = $"parameter 'q' has no word to search for (was '{q}')";
                return false;
            }

            if (words.Length > 16)
            {
                error = "parameter 'q' has more than 16 words";
                return false;
            }
        }

        result = new EventQuery
        {
            App = Get("app"),
            User = Get("user"),
            Machine = Get("machine"),
            PathPrefix = Get("path"),
            MinLevel = minLevel,
            From = from,
            To = to,
            Words = words,
            Limit = limit,
            Before = before,
        };
        return true;
    }

    private static bool TryTime(string? text, string name, out DateTimeOffset? time, ref string error)
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
