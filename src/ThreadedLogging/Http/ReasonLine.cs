using System.Text;

namespace ThreadedLogging;

/// <summary>
/// A text a peer chose, quoted in an error (a reason phrase, a <c>Location</c>, an exception's message quoting a status line
/// .NET could not read, up to 64 KiB): its first <see cref="MaxLength"/> characters on one line. Linked into the collector,
/// whose webhook failures quote a receiver's text as the client's send errors do (<see cref="TransportError"/>).
/// </summary>
internal static class ReasonLine
{
    /// <summary>The most characters of a text kept.</summary>
    internal const int MaxLength = 512;

    /// <summary>The text's first <see cref="MaxLength"/> characters, one line (<see cref="Clean"/>), or null for none.</summary>
    internal static string? Bounded(string? text) =>
        text is null ? null : Clean(text.Length > MaxLength ? text[..MaxLength] : text, cut: text.Length > MaxLength);

    /// <summary>One line: control characters (line breaks) as spaces, runs of white space as one, an ellipsis where it was cut.</summary>
    internal static string Clean(string text, bool cut)
    {
        var line = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var blank = char.IsWhiteSpace(c) || char.IsControl(c);
            if (!blank)
            {
                line.Append(c);
            }
            else if (line.Length > 0 && line[^1] != ' ')
            {
                line.Append(' ');
            }
        }

        var reason = line.ToString().Trim();
        return cut && reason.Length > 0 ? reason + "…" : reason;
    }
}
