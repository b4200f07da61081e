using System.Globalization;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// One condition of the <c>property</c> filter (docs/QUERY.md): the event's top-level property <see cref="Name"/> (exact,
/// case-sensitive) has the value <see cref="Value"/>. The rule both stores apply: the property's JSON value matches when
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
        Number = JsonNumber().IsMatch(value) ? value : null;
        SearchPhrase = PhraseOf(value, Number);
    }

    /// <summary>Gets the property's name, compared ordinally.</summary>
    public string Name { get; }

    /// <summary>Gets the value: a string property equal to it matches.</summary>
    public string Value { get; }

    /// <summary>Gets <see cref="Value"/> when it is a JSON number (RFC 8259's grammar), which a number property equal to it matches; else null.</summary>
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
