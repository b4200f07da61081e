using System.Globalization;
using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// What the text of a logged dictionary needs from the call that logged it. MEL writes a hole's value with the invariant
/// culture, and an item of a collection that is <see cref="IFormattable"/> too, but a dictionary's entry is a
/// <c>KeyValuePair</c> whose text is its key's and its value's <c>ToString()</c>: <c>[1,5, 2,5]</c> under de-DE, as
/// Serilog's <c>DictionaryValue.Render</c> writes key and value with the same format provider. The message is rendered
/// later on the worker, so the caller's culture is remembered beside the frozen copy when it is not the invariant one and
/// an entry's value follows it (a number, a date), and the text of each key whose text there differs from its name on the
/// wire (a key that is not text: a number in the caller's culture, a date in its general form, where the wire names
/// the entry by the key's invariant text, a date's ISO 8601).
/// </summary>
internal static class CallerCulture
{
    private static readonly ConditionalWeakTable<object, Texts> Remembered = [];

    /// <summary>Remembers the current culture for <paramref name="frozen"/> when that is a dictionary whose text follows it; returns <paramref name="frozen"/>.</summary>
    public static object? Remember(object? frozen)
    {
        if (frozen is Dictionary<string, object?> map && CultureInfo.CurrentCulture is { Name.Length: > 0 } culture)
        {
            foreach (var value in map.Values)
            {
                if (value is IFormattable)
                {
                    Remembered.GetOrCreateValue(map).Culture = culture;
                    break;
                }
            }
        }

        return frozen;
    }

    /// <summary>Remembers that the entry of <paramref name="map"/> named <paramref name="key"/> on the wire is shown as <paramref name="shown"/> in the message.</summary>
    public static void RememberKey(Dictionary<string, object?> map, string key, string shown) =>
        (Remembered.GetOrCreateValue(map).Keys ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = shown;

    /// <summary>
    /// A copy of a logged dictionary (redaction masks an entry in a copy) that renders as the original does: the same caller's
    /// culture and keys' texts, so masking one entry never turns the others' <c>1,5</c> into <c>1.5</c>.
    /// </summary>
    public static Dictionary<string, object?> Copy(Dictionary<string, object?> map)
    {
        var copy = new Dictionary<string, object?>(map, map.Comparer);
        if (Remembered.TryGetValue(map, out var texts))
        {
            Remembered.AddOrUpdate(copy, texts); // read only from here on: shared by the two
        }

        return copy;
    }

    /// <summary>What was remembered for a logged dictionary, or null (the invariant culture, keys shown as named).</summary>
    public static Texts? Of(object frozen) => Remembered.TryGetValue(frozen, out var texts) ? texts : null;

    /// <summary>The caller's culture and the keys' texts of one logged dictionary.</summary>
    internal sealed class Texts
    {
        /// <summary>Gets the caller's culture, when an entry's value follows it; null: the invariant culture.</summary>
        public CultureInfo? Culture { get; set; }

        /// <summary>Gets the message text of the keys whose wire name differs from it.</summary>
        public Dictionary<string, string>? Keys { get; set; }

        /// <summary>The text the message shows for the entry named <paramref name="key"/>.</summary>
        public string KeyText(string key) => Keys is { } keys && keys.TryGetValue(key, out var shown) ? shown : key;
    }
}
