using System.Globalization;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// One condition of the <c>property</c> filter (docs/QUERY.md): the event's top-level property <see cref="Name"/> (exact,
/// case-sensitive) has the value <see cref="Value"/>, or — a dotted name — the member at its <see cref="Path"/> has it
/// (<c>Order.Id</c>: the member <c>Id</c> of the object <c>Order</c>). The rule both stores apply: the JSON value matches when
/// it is a string equal to <see cref="Value"/> (ordinal); a number numerically equal to it, when <see cref="Value"/> is a
/// JSON number (<c>1000</c> matches <c>1000</c>, <c>1e3</c>, <c>1000.0</c>: <see cref="Number"/>); <c>true</c> or
/// <c>false</c>, when <see cref="Value"/> is that word; <c>null</c>, when it is <c>null</c>. Objects and arrays never match.
/// The live tail applies it too: it asks the store for the events just committed with the same query.
/// </summary>
internal sealed partial record PropertyCondition
{
    public PropertyCondition(string name, string value)
    {
        Name = name;
        Value = value;
        // Beyond a double's range (1e309) a number is text only: SQLite has no such number, PostgreSQL's jsonb none past numeric's.
        Number = JsonNumber().IsMatch(value) && double.IsFinite(double.Parse(value, CultureInfo.InvariantCulture)) ? value : null;
        SearchPhrase = PhraseOf(value, Number);
        var segments = name.Split('.');
        Path = segments.Length is >= 2 and <= MaxPathDepth && !segments.Contains(string.Empty) ? segments : null;
    }

    /// <summary>
    /// The most names a dotted name is read as a path of (<see cref="Path"/>): the depth the client and Serilog destructure
    /// an object to (10 levels, docs/WIRE-FORMAT.md). A name of more parts is a top-level name only.
    /// </summary>
    public const int MaxPathDepth = 10;

    /// <summary>Gets the property's name, compared ordinally.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the names of <see cref="Name"/> split at its dots when it is a path (2 to <see cref="MaxPathDepth"/> names, none
    /// empty: <c>Order.Id</c>, <c>a.b.c</c>), else null. A path's member is the first name's top-level property — or, in an
    /// event without it, <see cref="DestructuredName"/>'s — then each next name the member of the object before it: any
    /// other value (a string, an array: arrays are not indexed, <c>Lines.0</c> finds nothing) has no members. Of a name given
    /// twice in one object, the last, at every level. The top-level property <see cref="Name"/> itself still matches too.
    /// </summary>
    public IReadOnlyList<string>? Path { get; }

    /// <summary>
    /// Gets the name a path's first name is looked up under in an event without it: <c>@Order</c> for <c>Order</c>, the name
    /// MEL's <c>{@Order}</c> keeps (the ThreadedLogging client stores it so), where Serilog and NLog store <c>Order</c>; null
    /// without a path, or when its first name starts with <c>@</c> already.
    /// </summary>
    public string? DestructuredName => Path is [var first, ..] && !first.StartsWith('@') ? "@" + first : null;

    /// <summary>Gets the value: a string property equal to it matches.</summary>
    public string Value { get; }

    /// <summary>Gets <see cref="Value"/> when it is a JSON number (RFC 8259's grammar) within a double's range, which a number property equal to it matches; else null.</summary>
    public string? Number { get; }

    /// <summary>Gets <see cref="Value"/> when it is <c>true</c>, <c>false</c> or <c>null</c>, which that JSON literal matches; else null.</summary>
    public string? Literal => Value is "true" or "false" or "null" ? Value : null;

    /// <summary>
    /// Gets a phrase whose words every matching event's full text holds (the index has the values of the properties), so
    /// that the stores can narrow by the full-text index before checking the JSON; null when there is none: a value without
    /// a letter or digit, a literal (booleans and nulls are not indexed), or a number whose integer part is not among its
    /// own words (<c>1e3</c>: a number is indexed as PostgreSQL writes it, <c>1000</c>). A number's phrase is its integer
    /// part, which every way of writing it holds as a word (<c>1000</c> of <c>1000.0</c>, <c>1e3</c>); a string's, itself.
    /// </summary>
    public string? SearchPhrase { get; }

    private static string? PhraseOf(string value, string? number)
    {
        if (number is not null)
        {
            if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return null;
            }

            var integer = decimal.Truncate(Math.Abs(parsed)).ToString("0", CultureInfo.InvariantCulture);
            return value.Split(['-', '+', '.', 'e', 'E']).Contains(integer, StringComparer.Ordinal) ? integer : null;
        }

        if (value is "true" or "false" or "null" || !value.Any(char.IsLetterOrDigit))
        {
            return null;
        }

        // A term that ends in '*' is a prefix to the full-text builders; '*' is no part of a word, so dropping it keeps the words.
        return value.TrimEnd('*');
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
