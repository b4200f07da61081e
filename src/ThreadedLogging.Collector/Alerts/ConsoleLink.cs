using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// The support console's address of a rule's events in a range (its URL state, <c>Web/Assets/state.js</c>): everyone's
/// timeline (<c>all=1</c>), or a user's, the events without a user, a trace; levels, app, version, machine, instance, path, text,
/// template and property conditions as the rule has them, so that the view shows exactly the events the rule counted.
/// </summary>
internal static class ConsoleLink
{
    /// <summary>The console's address of the rule's events in the range, at <paramref name="publicUrl"/> (<c>Collector:PublicUrl</c>).</summary>
    public static string Create(Uri publicUrl, AlertRule rule, DateTimeOffset from, DateTimeOffset to) =>
        publicUrl.AbsoluteUri.TrimEnd('/') + Path(rule, from, to);

    /// <summary>The same address from the collector's root (<c>/?all=1&amp;…</c>): what <c>GET /api/alerts</c> gives the console.</summary>
    public static string Path(AlertRule rule, DateTimeOffset from, DateTimeOffset to)
    {
        var query = rule.Query;
        var state = new List<KeyValuePair<string, string?>>();
        if (query.User is not null)
        {
            state.Add(new("user", query.User));
        }
        else if (query.NoUser)
        {
            state.Add(new("nouser", "1"));
        }
        else if (query.TraceId is not null)
        {
            state.Add(new("trace", query.TraceId));
        }
        else
        {
            state.Add(new("all", "1"));
        }

        if (Levels(query) is { Count: > 0 } levels)
        {
            state.Add(new("levels", string.Join(',', levels.Select(LevelNames.ToName))));
        }

        state.Add(new("from", from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        state.Add(new("to", to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        foreach (var field in query.AbsentFields)
        {
            state.Add(new("no" + field, "1")); // the console's noapp=1, noversion=1, nomachine=1
        }

        foreach (var name in (string[])["app", "version", "machine", "instance", "path", "q", "template", "property"])
        {
            // The console takes these as the API does: the rule's own text.
            state.AddRange(rule.Parameters[name].Where(v => !string.IsNullOrEmpty(v)).Select(v => new KeyValuePair<string, string?>(name, v)));
        }

        if (query.ExactVersion)
        {
            state.Add(new("exactversion", "1")); // the version alone, not its builds
        }

        return QueryHelpers.AddQueryString("/", state);
    }

    /// <summary>The console's level toggles: the rule's <c>levels</c> (all six when none), narrowed to its minimum <c>level</c>.</summary>
    private static List<LogLevel> Levels(EventQuery query)
    {
        if (query.MinLevel is not { } min)
        {
            return [.. query.Levels];
        }

        IEnumerable<LogLevel> all = query.Levels.Count > 0 ? query.Levels : [LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical];
        return [.. all.Where(l => l >= min).Order()];
    }
}
