namespace ThreadedLogging.Collector.Ingest.Formats.Python;

/// <summary>The exceptions in a traceback that Python's <c>logging.Formatter.formatException</c> wrote.</summary>
/// <remarks>
/// A chain (<c>raise … from e</c>, or an exception raised while handling another) is written oldest first, each part
/// after an unindented line saying how it follows the one before: <see cref="Cause"/> or <see cref="Context"/>.
/// In each part the last lines are the exception: <c>Type: message</c>, and the rest of a message of several lines after
/// it (a database error's <c>LINE 1: …</c> and its caret), which are not the type. The raised exception's type is known
/// from <c>exc_info</c> (<c>&lt;class 'module.Type'&gt;</c>, as the traceback names it but for <c>__main__.</c>); without
/// it, the exception starts at the first unindented line after the last traceback's frames. An exception group
/// (Python 3.11+) is drawn: <c>  + Exception Group Traceback …</c>, its frames and its own line after <c>  | </c>, then
/// its sub-exceptions, indented further; its type and message are those of its own line, and each sub-exception
/// (between <c>+---------------- N ----------------</c> lines, two columns further in) is read as a traceback of its own:
/// <see cref="TracedException.SubExceptions"/>, a group among them with its own, up to <see cref="MaxDepth"/> levels deep.
/// </remarks>
internal static class PythonTraceback
{
    /// <summary>The line between an exception and the one raised <c>from</c> it.</summary>
    public const string Cause = "The above exception was the direct cause of the following exception:";

    /// <summary>The line between an exception and one raised while handling it.</summary>
    public const string Context = "During handling of the above exception, another exception occurred:";

    /// <summary>What <see cref="TracedException.BeforeIs"/> says after <see cref="Cause"/>.</summary>
    public const string CauseLink = "cause";

    /// <summary>What <see cref="TracedException.BeforeIs"/> says after <see cref="Context"/>.</summary>
    public const string ContextLink = "context";

    private const string Header = "Traceback (most recent call last):";
    private const string GroupHeader = "Exception Group Traceback (most recent call last):";
    private const string MainModule = "__main__.";

    /// <summary>How deep sub-exceptions are read, and how many of one group's (CPython draws 15 and "and N more").</summary>
    private const int MaxDepth = 16;

    /// <summary>
    /// The exceptions of <paramref name="text"/>'s chain, the first raised first and the one logged (<paramref name="type"/>,
    /// from <c>exc_info</c>, when known) last; one when there is no chain.
    /// </summary>
    public static List<TracedException> Chain(string text, string? type) => Chain(text, type, 0);

    private static List<TracedException> Chain(string text, string? type, int depth)
    {
        var lines = text.TrimEnd().Split('\n');
        var parts = new List<TracedException>();
        var start = 0;
        string? link = null;
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].TrimEnd('\r') : null;
            if (line is null or Cause or Context)
            {
                var part = Trimmed(lines[start..i]);
                if (part.Length > 0)
                {
                    var before = parts.Count > 0 ? parts[^1] : null;
                    parts.Add(Read(part, i == lines.Length ? type : null, depth) with { Before = before, BeforeIs = before is null ? null : link });
                }

                link = line == Cause ? CauseLink : ContextLink;
                start = i + 1;
            }
        }

        return parts.Count > 0 ? parts : [Read(lines, type, depth)];
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

    /// <summary>One exception of the chain: its type, message and own part of the traceback.</summary>
    private static TracedException Read(string[] lines, string? type, int depth)
    {
        var group = Unmarked(lines[0].TrimEnd('\r')) == GroupHeader;
        var at = group ? GroupLine(lines) : ExceptionLine(lines, type);
        var first = Unmarked(lines[at].TrimEnd('\r')).Trim();
        var colon = first.IndexOf(": ", StringComparison.Ordinal);
        var message = colon > 0 ? first[(colon + 2)..] : null;
        if (!group && at < lines.Length - 1)
        {
            var more = lines[(at + 1)..].Select(line => line.TrimEnd('\r'));
            message = string.Join('\n', message is null ? more : more.Prepend(message));
        }

        return new TracedException(colon > 0 ? first[..colon] : first, message, string.Join('\n', lines).TrimEnd())
        {
            SubExceptions = group || Unmarked(lines[0]) != lines[0] ? SubExceptions(lines, Margin(lines[0]), depth + 1) : [],
        };
    }

    /// <summary>
    /// The sub-exceptions drawn after a group's own lines at <paramref name="margin"/>: each between a separator of that
    /// level (<c>+-+---- 1 ----</c> at the margin, <c>+---- N ----</c> and the closing <c>+-----</c> two columns in), its
    /// lines two columns further in. CPython's <c>+---- ... ----</c> (<c>and N more exceptions</c>) and
    /// <c>... (max_group_depth is 10)</c> stand for exceptions it did not draw: no sub-exception is read from them.
    /// </summary>
    private static List<TracedException> SubExceptions(string[] lines, int margin, int depth)
    {
        List<TracedException> subs = [];
        if (depth > MaxDepth)
        {
            return subs;
        }

        var start = -1;
        var drawn = false;
        for (var i = 0; i <= lines.Length && subs.Count < MaxDepth; i++)
        {
            if (i < lines.Length && !IsSeparator(lines[i], margin))
            {
                continue;
            }

            if (start >= 0 && drawn && i > start && ReadSub(lines[start..i], margin + 2, depth) is { } sub)
            {
                subs.Add(sub);
            }

            start = i + 1;
            drawn = i < lines.Length && !lines[i].Contains(" ... ", StringComparison.Ordinal);
        }

        return subs;
    }

    /// <summary>One sub-exception drawn at <paramref name="margin"/>: its own lines (a chain, maybe) then its own sub-exceptions.</summary>
    private static TracedException? ReadSub(string[] lines, int margin, int depth)
    {
        var at = 0;
        while (at < lines.Length && !IsSeparator(lines[at], margin))
        {
            at++;
        }

        var own = string.Join('\n', lines[..at].Select(line => Undrawn(line.TrimEnd('\r'), margin))).Trim('\n');
        if (own.Length == 0 || own.StartsWith("... (max_group_depth", StringComparison.Ordinal))
        {
            return null;
        }

        var raised = Chain(own, null, depth)[^1];
        return raised with { SubExceptions = SubExceptions(lines[at..], margin, depth + 1) };
    }

    /// <summary>Whether <paramref name="line"/> begins or ends a sub-exception of a group drawn at <paramref name="margin"/>.</summary>
    private static bool IsSeparator(string line, int margin) =>
        (line.Length > margin + 2 && line.AsSpan(0, margin).IsWhiteSpace() && line.AsSpan(margin).StartsWith("+-+", StringComparison.Ordinal))
        || (line.Length > margin + 4 && line.AsSpan(0, margin + 2).IsWhiteSpace() && line.AsSpan(margin + 2).StartsWith("+--", StringComparison.Ordinal));

    /// <summary><paramref name="line"/> without its drawing at <paramref name="margin"/> (<c>| </c> or <c>+ </c>).</summary>
    private static string Undrawn(string line, int margin) =>
        line.Length > margin && line.AsSpan(0, margin).IsWhiteSpace() && line[margin] is '|' or '+'
            ? line[Math.Min(margin + 2, line.Length)..]
            : line;

    /// <summary>The spaces before a drawn line's <c>|</c> or <c>+</c>.</summary>
    private static int Margin(string line) => line.Length - line.TrimStart(' ').Length;

    /// <summary>
    /// A group's own line: the first of its drawing's level (<c>  | </c> then no further indent) after its header. The level
    /// is the header's leading spaces and <c>| </c>, so a header without CPython's <c>+</c> (<c>    | Exception Group …</c>,
    /// a sub-exception's part on its own, or a bare one) is read too; without any drawing it is the first unindented line.
    /// </summary>
    private static int GroupLine(string[] lines)
    {
        var level = lines[0][..(lines[0].Length - lines[0].TrimStart(' ').Length)] + "| ";
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(level, StringComparison.Ordinal) && lines[i].Length > level.Length && lines[i][level.Length] != ' ')
            {
                return i;
            }
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd('\r').Length > 0 && lines[i][0] is not (' ' or '|' or '+'))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The index of the exception's first line in <paramref name="lines"/>: the first line when there is no traceback, the last when its frames go on to the end.</summary>
    private static int ExceptionLine(string[] lines, string? type)
    {
        if (type is not null)
        {
            // The traceback leaves out the module of a type of the script's own and of a built-in one.
            type = type.StartsWith(MainModule, StringComparison.Ordinal) ? type[MainModule.Length..] : type;
            for (var i = lines.Length - 1; i >= 0; i--)
            {
                var line = lines[i].TrimEnd('\r');
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

    /// <summary><paramref name="lines"/> without the empty lines around a part of the chain.</summary>
    private static string[] Trimmed(string[] lines)
    {
        var from = 0;
        var to = lines.Length;
        while (from < to && lines[from].TrimEnd('\r').Length == 0)
        {
            from++;
        }

        while (to > from && lines[to - 1].TrimEnd('\r').Length == 0)
        {
            to--;
        }

        return lines[from..to];
    }
}
