using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// The longest value of every query parameter of the read and admin API (docs/QUERY.md, <em>Lengths</em>), checked by
/// <see cref="QueryParameterFilter"/> before an endpoint runs: a name, path or instance filter as long as ingest stores
/// the field (<c>Collector:MaxFieldLength</c>; a longer one matches nothing, and cost a scan), the text filters their
/// own limits, and a short value (a number, a time, a level, a cursor, a trace id, a choice) 64 characters.
/// <see cref="QueryParameterEndpointExtensions.WithQueryParameters{TBuilder}"/> refuses at start a name missing here.
/// </summary>
internal static class QueryParameterLengths
{
    /// <summary>The longest number, time, level name, event cursor, trace id or choice: room to spare over every valid one.</summary>
    public const int ShortValue = 64;

    /// <summary>The longest <c>levels</c> list: each of the six names, with room for spaces and repeats.</summary>
    public const int LevelList = 128;

    /// <summary>Each name's longest value, given <c>Collector:MaxFieldLength</c>.</summary>
    private static readonly Dictionary<string, Func<int, int>> Longest = new(StringComparer.OrdinalIgnoreCase)
    {
        ["app"] = StoredField,
        ["version"] = StoredField,
        ["user"] = StoredField,
        ["machine"] = StoredField,
        ["instance"] = StoredField,
        ["path"] = StoredField,
        ["search"] = StoredField,
        ["after"] = UserCursor.LongestText,
        ["q"] = _ => SearchTextParser.MaxLength,
        ["template"] = _ => EventTemplates.MaxFilterLength,
        // Its name and its value have limits of their own, with reasons that say which was too long (PropertyFilterParser).
        [PropertyFilterParser.Parameter] = _ => int.MaxValue,
        ["levels"] = _ => LevelList,
        ["noUser"] = Short,
        ["noApp"] = Short,
        ["noVersion"] = Short,
        ["exactVersion"] = Short,
        ["noMachine"] = Short,
        ["traceId"] = Short,
        ["level"] = Short,
        ["from"] = Short,
        ["to"] = Short,
        ["limit"] = Short,
        ["before"] = Short,
        ["count"] = Short,
        ["buckets"] = Short,
        ["span"] = Short,
        ["field"] = Short,
        // The summary's fields: the six names, once each, are 41 characters with their commas.
        ["top"] = Short,
        ["format"] = Short,
        ["sort"] = Short,
    };

    /// <summary>Whether <paramref name="name"/> has a longest value here.</summary>
    public static bool IsKnown(string name) => Longest.ContainsKey(name);

    /// <summary>The longest value of <paramref name="name"/> (one <see cref="IsKnown"/>).</summary>
    public static int Of(string name, int maxFieldLength) => Longest[name](maxFieldLength);

    private static int StoredField(int maxFieldLength) => maxFieldLength;

    private static int Short(int maxFieldLength) => ShortValue;
}
