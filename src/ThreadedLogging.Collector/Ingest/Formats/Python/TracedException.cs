namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>One exception read from a Python traceback (<see cref="PythonTraceback.Chain"/>).</summary>
/// <param name="Type">The type as the traceback names it (<c>KeyError</c>, <c>psycopg2.errors.UndefinedTable</c>).</param>
/// <param name="Message">Its <c>str()</c>, every line of it; null when the line is the type alone.</param>
/// <param name="Text">Its own part of the traceback: its frames and its line.</param>
internal sealed record TracedException(string Type, string? Message, string Text);
