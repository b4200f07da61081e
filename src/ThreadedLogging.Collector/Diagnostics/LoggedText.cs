using System.Text;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// A value a client chose (a request path, a Content-Type) as it goes into the collector's log or back in an answer's
/// reason. Security review: a newline in an ingest path (<c>%0A</c>, decoded by Kestrel) forged a line of the
/// collector's log, and an unsupported Content-Type was echoed whole (5,000 characters) into the answer and the log.
/// Control characters are written escaped (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>), so that the value stays
/// on its line, and a long value is cut to <see cref="MaxLength"/> characters, ended by "…".
/// </summary>
internal static class LoggedText
{
    /// <summary>How many characters of a value are kept by default (before escaping).</summary>
    public const int MaxLength = 200;

    /// <summary>The value escaped and cut; <see langword="null"/> is the empty string.</summary>
    /// <param name="value">What the client sent.</param>
    /// <param name="maxLength">How many of its characters are kept (a reason that quotes a value: longer).</param>
    public static string Of(string? value, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var kept = value.AsSpan(0, Math.Min(value.Length, maxLength));
        if (kept.Length == value.Length && !HasControl(kept))
        {
            return value;
        }

        var text = new StringBuilder(kept.Length + 8);
        foreach (var c in kept)
        {
            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when IsControl(c) => text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return kept.Length < value.Length ? text.Append('…').ToString() : text.ToString();
    }

    private static bool HasControl(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// C0, DEL and C1 controls, and the Unicode line and paragraph separators (U+2028, U+2029: the only characters of their
    /// categories; a new line to some log viewers, to JavaScript and to a chat's one-line text): what a value of the log's
    /// is written without, and what a name shown on one line (an alert rule's) must not hold.
    /// </summary>
    public static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
