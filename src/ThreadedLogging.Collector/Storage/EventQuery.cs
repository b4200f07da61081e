using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>Filters of <c>GET /api/events</c> (and its live stream); every filter is optional and they combine with AND.</summary>
internal sealed record EventQuery
{
    public string? App { get; init; }

    /// <summary>
    /// Gets a value indicating whether only the events sent without an app are wanted (the top values' "(none)"); never
    /// together with <see cref="App"/>. <see cref="NoVersion"/> and <see cref="NoMachine"/> likewise.
    /// </summary>
    public bool NoApp { get; init; }

    /// <summary>Gets a value indicating whether only the events sent without a version are wanted; never together with <see cref="Version"/>.</summary>
    public bool NoVersion { get; init; }

    /// <summary>Gets a value indicating whether only the events sent without a machine are wanted; never together with <see cref="Machine"/>.</summary>
    public bool NoMachine { get; init; }

    /// <summary>Gets the fields (<c>app</c>, <c>version</c>, <c>machine</c>) that the events wanted were sent without (<see cref="NoApp"/> and the others), for the stores' columns.</summary>
    public IEnumerable<string> AbsentFields =>
        new[] { (NoApp, "app"), (NoVersion, "version"), (NoMachine, "machine") }.Where(f => f.Item1).Select(f => f.Item2);

    /// <summary>
    /// Gets the app's version (exact, case-sensitive), SemVer's build metadata ignored when this has none: <c>1.0.0</c>
    /// also matches <c>1.0.0+3f2a9c1</c> (the .NET SDK's default version of a git checkout), <c>1.0.0+3f2a9c1</c> only
    /// itself — as a level rule's version selects (<see cref="LevelRule"/>), but for case.
    /// </summary>
    public string? Version { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="Version"/> matches only itself, not its builds (<c>exactVersion=true</c>):
    /// <c>1.0.0</c> without <c>1.0.0+3f2a9c1</c>, the events a top version's count is of.
    /// </summary>
    public bool ExactVersion { get; init; }

    /// <summary>
    /// Gets the start of the versions <see cref="Version"/> also matches (<c>1.0.0+</c>: any build of it), or null when it
    /// has build metadata of its own, or <see cref="ExactVersion"/> is set, and matches only itself.
    /// </summary>
    public string? VersionBuilds => Version is { } version && !ExactVersion && !version.Contains('+', StringComparison.Ordinal) ? version + "+" : null;

    /// <summary>Gets the user, compared case-insensitively (ASCII letters).</summary>
    public string? User { get; init; }

    /// <summary>
    /// Gets a value indicating whether only the events without a user are wanted (no user name, or an empty one: the
    /// users list's "(no user)"); never together with <see cref="User"/>.
    /// </summary>
    public bool NoUser { get; init; }

    public string? Machine { get; init; }

    /// <summary>Gets the process instance (exact).</summary>
    public string? InstanceId { get; init; }

    /// <summary>Gets a prefix of the ingest path.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Gets the W3C trace id (lower case, <see cref="TraceIds"/>): the events of one trace, whoever logged them.</summary>
    public string? TraceId { get; init; }

    public LogLevel? MinLevel { get; init; }

    /// <summary>Gets the levels to keep (level toggles); empty keeps every level. Combines with <see cref="MinLevel"/>.</summary>
    public IReadOnlyList<LogLevel> Levels { get; init; } = [];

    /// <summary>Gets the earliest timestamp, inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the latest timestamp, inclusive.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>
    /// Gets what full text must find (<c>q</c>): terms, each a phrase of tokens (letters and digits, case and diacritics
    /// folded) in that order, one that ends in <c>*</c> matching any token starting with its last token; combined by AND,
    /// OR and NOT (<see cref="SearchNode"/>). Null: no full-text condition.
    /// </summary>
    public SearchNode? Search { get; init; }

    /// <summary>
    /// Sets <see cref="Search"/> to terms that must all occur (<c>q</c>'s plain words: <c>Words = ["invoice", "rejected"]</c>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1044:Properties should not be write only", Justification = "A shorthand of Search, read there.")]
    public IReadOnlyList<string> Words
    {
        init => Search = SearchNode.AllOf(value);
    }

    /// <summary>
    /// Gets the message template (exact, ordinal): an event's <c>template</c>, or its message when it has none
    /// (<see cref="EventTemplates"/>) — the events of one kind ("event type", as Seq calls it), whatever their values.
    /// </summary>
    public string? Template { get; init; }

    /// <summary>Gets the conditions on properties (top-level, or at a dotted path), all of which must hold (<see cref="PropertyCondition"/>).</summary>
    public IReadOnlyList<PropertyCondition> Properties { get; init; } = [];

    /// <summary>
    /// Gets what the full-text index must find: <see cref="Search"/> AND the <see cref="PropertyCondition.SearchPhrase"/> of
    /// each property condition that has one (the stores narrow by the index, then check the JSON); null for nothing.
    /// </summary>
    public SearchNode? TextSearch => Properties.Count == 0 ? Search : SearchNode.AllOf([.. Search is null ? [] : new[] { Search }, .. PropertyPhrases.Select(p => new SearchTerm(p))]);

    /// <summary>Gets a value indicating whether the full-text index takes part (<see cref="TextSearch"/> is not null).</summary>
    public bool HasText => Search is not null || PropertyPhrases.Any();

    /// <summary>Gets the <see cref="PropertyCondition.SearchPhrase"/>s of <see cref="Properties"/> (those that have one).</summary>
    public IEnumerable<string> PropertyPhrases => Properties.Select(p => p.SearchPhrase).OfType<string>();

    /// <summary>Gets the only ids to consider (the live stream asks for what was just committed); null: all.</summary>
    public IReadOnlyList<long>? Ids { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Gets the cursor: only events older than this position.</summary>
    public EventCursor? Before { get; init; }
}
