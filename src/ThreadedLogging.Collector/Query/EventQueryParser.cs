using System.Globalization;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>Reads the query string of <c>GET /api/events</c> (and of its stream and export); a bad parameter gives a reason for a 400.</summary>
internal static class EventQueryParser
{
    public const int DefaultLimit = 100;

    /// <summary>The parameters of <c>GET /api/events</c>: the filters, <c>limit</c> and <c>before</c>.</summary>
    public static readonly string[] Known = ["app", "user", "noUser", "noApp", "noVersion", "noMachine", "machine", "instance", "version", "exactVersion", "traceId", "path", "level", "levels", "from", "to", "q", "template", PropertyFilterParser.Parameter, "limit", "before"];

    /// <summary>Reads the parameters of <c>GET /api/events</c> (the names were checked by <see cref="QueryParameterFilter"/>).</summary>
    public static bool TryParse(IQueryCollection query, int maxLimit, out EventQuery result, out string error)
    {
        result = new EventQuery();
        error = string.Empty;
        string? Get(string name) => QueryStringRules.Get(query, name);

        LogLevel? minLevel = null;
        if (Get("level") is { } levelText)
        {
            if (!LevelNames.TryParse(levelText, out var level))
            {
                error = $"parameter 'level' must be {LevelNames.Accepted} (was '{levelText}')";
                return false;
            }

            minLevel = level;
        }

        var levels = new List<LogLevel>();
        if (Get("levels") is { } levelsText)
        {
            foreach (var name in levelsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!LevelNames.TryParse(name, out var level))
                {
                    error = $"parameter 'levels' is a comma-separated list of levels, each {LevelNames.Accepted} (was '{name}')";
                    return false;
                }

                levels.Add(level);
            }
        }

        if (!QueryStringRules.TryTime(Get("from"), "from", out var from, ref error) || !QueryStringRules.TryTime(Get("to"), "to", out var to, ref error))
        {
            return false;
        }

        // A range that ends before it starts is a mistake (ends swapped, a typo), not a question whose answer is "nothing".
        if (from > to)
        {
            error = QueryStringRules.FromAfterTo(from.Value, to!.Value);
            return false;
        }

        var limit = DefaultLimit;
        if (!QueryStringRules.TryLimit(query, maxLimit, ref limit, out error))
        {
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

        var noUser = false;
        if (Get("noUser") is { } noUserText)
        {
            if (!bool.TryParse(noUserText, out noUser))
            {
                error = $"parameter 'noUser' must be true or false (was '{noUserText}')";
                return false;
            }

            if (noUser && Get("user") is not null)
            {
                error = "parameters 'user' and 'noUser=true' exclude each other: an event has a user or has none";
                return false;
            }
        }

        // The events without an app, version or machine (the console's "(none)" in the top values), as noUser: each
        // excludes the filter of its field.
        var absent = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (flag, field) in (ReadOnlySpan<(string, string)>)[("noApp", "app"), ("noVersion", "version"), ("noMachine", "machine")])
        {
            var none = false;
            if (Get(flag) is { } noneText && !bool.TryParse(noneText, out none))
            {
                error = $"parameter '{flag}' must be true or false (was '{noneText}')";
                return false;
            }

            if (none && Get(field) is not null)
            {
                error = $"parameters '{field}' and '{flag}=true' exclude each other: an event has a {field} or has none";
                return false;
            }

            absent[flag] = none;
        }

        string? traceId = null;
        if (Get("traceId") is { } traceText && (traceId = TraceIds.Normalize(traceText)) is null)
        {
            error = $"parameter 'traceId' must be a W3C trace id: 32 hex digits, not all zero (was '{traceText}')";
            return false;
        }

        SearchNode? search = null;
        if (Get("q") is { } q)
        {
            if (!SearchTextParser.TryParse(q, out var parsed, out error))
            {
                return false;
            }

            search = parsed;
        }

        var version = Get("version");
        // LoggedText.IsControl: the line separators U+2028 and U+2029 too, as an alert rule's name (85496e7): a version is
        // shown on one line (the top versions, the filter, an alert's one-line text).
        if (query.ContainsKey("version") && (version is null || version.Any(LoggedText.IsControl)))
        {
            // Unlike app, an empty version is refused: "the events without a version" is not what it would find.
            error = version is null
                ? "parameter 'version' is empty: give a version (1.0.0 also finds its builds, 1.0.0+<build>), or leave it out for every version"
                : $"parameter 'version' holds a control character or line separator (was '{QueryStringRules.Excerpt(version)}')";
            return false;
        }

        // A top version's count is of that version exactly: its button asks for it so (1.0.0, not its builds 1.0.0+…).
        var exactVersion = false;
        if (Get("exactVersion") is { } exactText && !bool.TryParse(exactText, out exactVersion))
        {
            error = $"parameter 'exactVersion' must be true or false (was '{exactText}')";
            return false;
        }

        if (exactVersion && version is null)
        {
            error = "parameter 'exactVersion=true' needs 'version': it says that version matches only itself, not its builds";
            return false;
        }

        if (!PropertyFilterParser.TryParse(query, out var properties, out error))
        {
            return false;
        }

        result = new EventQuery
        {
            App = Get("app"),
            NoApp = absent["noApp"],
            Version = version,
            ExactVersion = exactVersion,
            NoVersion = absent["noVersion"],
            User = Get("user"),
            NoUser = noUser,
            Machine = Get("machine"),
            NoMachine = absent["noMachine"],
            InstanceId = Get("instance"),
            TraceId = traceId,
            Levels = [.. levels.Distinct()],
            PathPrefix = Get("path"),
            MinLevel = minLevel,
            From = from,
            To = to,
            Search = search,
            Template = Get("template"),
            Properties = properties,
            Limit = limit,
            Before = before,
        };
        return true;
    }
}
