namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>Where the exception itself starts in a traceback that Python's <c>logging.Formatter.formatException</c> wrote.</summary>
/// <remarks>
/// The last lines are the exception: <c>Type: message</c>, and the rest of a message of several lines after it (a
/// database error's <c>LINE 1: …</c> and its caret), which are not the type. The type is known from
/// <c>exc_info</c> (<c>&lt;class 'module.Type'&gt;</c>, as the traceback names it but for <c>__main__.</c>); without it, the exception starts at
/// the first unindented line after the last traceback's frames.
/// </remarks>
internal static class PythonTraceback
{
    private const string Header = "Traceback (most recent call last):";
    private const string MainModule = "__main__.";

    /// <summary>The index of the exception's first line in <paramref name="lines"/>: the first line when there is no traceback, the last when its frames go on to the end.</summary>
    public static int ExceptionLine(string[] lines, string? type)
    {
        if (type is not null)
        {
            // The traceback leaves out the module of a type of the script's own and of a built-in one.
            type = type.StartsWith(MainModule, StringComparison.Ordinal) ? type[MainModule.Length..] : type;
            for (var i = lines.Length - 1; i >= 0; i--)
            {
                var line = Unmarked(lines[i].TrimEnd('\r'));
                if (line == type || line.StartsWith(type + ": ", StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (lines[i].StartsWith(Header, StringComparison.Ordinal))
            {
                var after = i + 1;
                while (after < lines.Length && lines[after].StartsWith(' '))
                {
                    after++; // the frames: "  File …", their code lines and carets
                }

                return after < lines.Length ? after : lines.Length - 1;
            }
        }

        return 0; // an exception never raised has no traceback: "ValueError: bad value" alone
    }

    /// <summary>
    /// <paramref name="line"/> without an exception group's drawing (Python 3.11+): <c>  | ExceptionGroup: many</c> and
    /// <c>  + Exception Group Traceback …</c> read as <c>ExceptionGroup: many</c> and <c>Exception Group Traceback …</c>.
    /// </summary>
    public static string Unmarked(string line)
    {
        var text = line.TrimStart(' ');
        return text.StartsWith("| ", StringComparison.Ordinal) || text.StartsWith("+ ", StringComparison.Ordinal) ? text[2..] : line;
    }
}
