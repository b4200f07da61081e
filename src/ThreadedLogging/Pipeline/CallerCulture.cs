using System.Globalization;
using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// The caller's culture, kept for a logged dictionary whose message text depends on it. MEL writes a hole's value
/// with the invariant culture, and an item of a collection that is <see cref="IFormattable"/> too, but a dictionary's
/// entry is a <c>KeyValuePair</c> whose text is its value's <c>ToString()</c>: <c>[price, 1,5]</c> under de-DE. The
/// message is rendered later on the worker, so the culture is remembered beside the frozen copy, only when it is not
/// the invariant one and an entry's value has a text that follows it (a number, a date).
/// </summary>
internal static class CallerCulture
{
    private static readonly ConditionalWeakTable<object, CultureInfo> Cultures = [];

    /// <summary>Remembers the current culture for <paramref name="frozen"/> when that is a dictionary whose text follows it; returns <paramref name="frozen"/>.</summary>
    public static object? Remember(object? frozen)
    {
        if (frozen is Dictionary<string, object?> map && CultureInfo.CurrentCulture is { Name.Length: > 0 } culture)
        {
            foreach (var value in map.Values)
            {
                if (value is IFormattable)
                {
                    Cultures.AddOrUpdate(map, culture);
                    break;
                }
            }
        }

        return frozen;
    }

    /// <summary>The culture remembered for a logged dictionary, or null (the invariant culture).</summary>
    public static CultureInfo? Of(object frozen) => Cultures.TryGetValue(frozen, out var culture) ? culture : null;
}
