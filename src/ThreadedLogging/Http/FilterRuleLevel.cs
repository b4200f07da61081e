using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Issue 13: <c>AddThreadedHttp</c> adds <see cref="CatchAll"/>, a filter rule for this provider at Trace, so that MEL
/// hands the handler every level and a collector's rule can lower its level; the handler then applies itself the
/// level MEL's rules would have given the category (<see cref="For"/>, the same selection as MEL's
/// <c>LoggerRuleSelector</c>, <see cref="CatchAll"/> aside). A rule for this provider and a category stays MEL's:
/// being more specific than <see cref="CatchAll"/>, it caps that category before the handler sees the call. The handler
/// computes the level again when the filter options change (<c>appsettings.json</c> reloaded).
/// </summary>
internal static class FilterRuleLevel
{
    public const string Alias = "ThreadedHttp";

    public static readonly LoggerFilterRule CatchAll = new(typeof(ThreadedHttpHandler).FullName, null, LogLevel.Trace, null);

    /// <summary>The level MEL's rules (without <see cref="CatchAll"/>) give <paramref name="category"/> of this provider.</summary>
    public static LogLevel For(LoggerFilterOptions options, string category)
    {
        LoggerFilterRule? current = null;
        foreach (var rule in options.Rules)
        {
            if (!ReferenceEquals(rule, CatchAll)
                && (IsBetter(rule, current, typeof(ThreadedHttpHandler).FullName!, category) || IsBetter(rule, current, Alias, category)))
            {
                current = rule;
            }
        }

        var level = current is null ? options.MinLevel : current.LogLevel ?? LogLevel.Trace;
        return current?.Filter is { } filter ? LowestLetThrough(filter, category, level) : level;
    }

    /// <summary>
    /// The lowest level from <paramref name="level"/> up that a rule's filter function lets through for the category
    /// (<c>AddFilter((category, level) => ...)</c>; MEL calls it with the provider's type name). The level is cached per
    /// category, so the function is called when the level is computed, not on every log call, and read as a threshold:
    /// a function that lets Warning through but not Error ships both. One that throws is left out, as if absent.
    /// </summary>
    private static LogLevel LowestLetThrough(Func<string?, string?, LogLevel, bool> filter, string category, LogLevel level)
    {
        try
        {
            for (; level < LogLevel.None; level++)
            {
                if (filter(typeof(ThreadedHttpHandler).FullName, category, level))
                {
                    return level;
                }
            }

            return LogLevel.None;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return level;
        }
    }

    private static bool IsBetter(LoggerFilterRule rule, LoggerFilterRule? current, string provider, string category)
    {
        if (rule.ProviderName is not null && !string.Equals(rule.ProviderName, provider, StringComparison.Ordinal))
        {
            return false;
        }

        if (rule.CategoryName is { } pattern && !Matches(pattern, category))
        {
            return false;
        }

        if (current?.ProviderName is not null)
        {
            if (rule.ProviderName is null)
            {
                return false;
            }
        }
        else if (rule.ProviderName is not null)
        {
            return true;
        }

        if (current?.CategoryName is not null)
        {
            if (rule.CategoryName is null || current.CategoryName.Length > rule.CategoryName.Length)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(string pattern, string category)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        return star < 0
            ? category.StartsWith(pattern, StringComparison.OrdinalIgnoreCase)
            : category.Length >= pattern.Length - 1
                && category.StartsWith(pattern[..star], StringComparison.OrdinalIgnoreCase)
                && category.EndsWith(pattern[(star + 1)..], StringComparison.OrdinalIgnoreCase);
    }
}
