using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Reads <c>property=Name=value</c>, the filter on a property's value, top-level or at a dotted path (<see cref="PropertyCondition"/>): the
/// name is the text before the first <c>=</c>, the value all after it. The one parameter that may be given more than
/// once: each is a condition, and all must hold.
/// </summary>
internal static class PropertyFilterParser
{
    public const string Parameter = "property";

    /// <summary>The most conditions in one query.</summary>
    public const int MaxConditions = 8;

    /// <summary>The longest name, in UTF-16 code units.</summary>
    public const int MaxNameLength = 200;

    /// <summary>
    /// The longest value, in UTF-16 code units: what <c>q</c> takes (<see cref="SearchTextParser.MaxLength"/>). A value is
    /// an identifier, a name, a code, a short text; one longer is a document, which <c>q</c> finds by a phrase of it. Its
    /// words become the full-text phrase that narrows the search (<see cref="PropertyCondition.SearchPhrase"/>), so a
    /// 100 KB value (the URL takes 128 KiB) was a phrase of thousands of terms on every store.
    /// </summary>
    public const int MaxValueLength = SearchTextParser.MaxLength;

    public static bool TryParse(IQueryCollection query, out List<PropertyCondition> conditions, out string error)
    {
        conditions = [];
        error = string.Empty;
        var values = query[Parameter];
        if (values.Count > MaxConditions)
        {
            error = $"parameter '{Parameter}' is given {values.Count} times, at most {MaxConditions} are taken (the {MaxConditions + 1}th was '{QueryStringRules.Excerpt(values[MaxConditions] ?? string.Empty)}')";
            return false;
        }

        foreach (var text in values)
        {
            var equals = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            var name = equals < 0 ? string.Empty : text![..equals];
            error = equals < 0 ? $"parameter '{Parameter}' must be Name=value (no '=' in '{text}')"
                : name.Length == 0 ? $"parameter '{Parameter}' needs a property name before '=' (was '{text}')"
                : name.Length > MaxNameLength ? $"parameter '{Parameter}': the name is longer than {MaxNameLength} characters (was '{QueryStringRules.Excerpt(text!)}', a name of {name.Length} characters)"
                : name.Any(LoggedText.IsControl) ? $"parameter '{Parameter}': the name holds a control character or line separator (was '{text}')"
                : text!.Length - equals - 1 > MaxValueLength
                    ? $"parameter '{Parameter}': the value is longer than {MaxValueLength} characters (was '{QueryStringRules.Excerpt(text)}', a value of {text.Length - equals - 1} characters)"
                : string.Empty;
            if (error.Length > 0)
            {
                return false;
            }

            conditions.Add(new PropertyCondition(name, text![(equals + 1)..]));
        }

        return true;
    }
}
