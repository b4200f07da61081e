namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>One exception read from a Python traceback (<see cref="PythonTraceback.Chain"/>).</summary>
/// <param name="Type">The type as the traceback names it (<c>KeyError</c>, <c>psycopg2.errors.UndefinedTable</c>).</param>
/// <param name="Message">Its <c>str()</c>, every line of it; null when the line is the type alone.</param>
/// <param name="Text">Its own part of the traceback: its frames and its line.</param>
internal sealed record TracedException(string Type, string? Message, string Text)
{
    /// <summary>An exception group's sub-exceptions, in the group's order (Python 3.11+); empty for any other exception.</summary>
    public IReadOnlyList<TracedException> SubExceptions { get; init; } = [];

    /// <summary>The exception of its chain before it: the one it was raised <c>from</c>, or while handling.</summary>
    public TracedException? Before { get; init; }

    /// <summary>
    /// How it follows <see cref="Before"/>: <c>cause</c> (raised <c>from</c> it, <c>__cause__</c>) or <c>context</c> (raised
    /// while handling it, <c>__context__</c>); null without one.
    /// </summary>
    public string? BeforeIs { get; init; }
}
