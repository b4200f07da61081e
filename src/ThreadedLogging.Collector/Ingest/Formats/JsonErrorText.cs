using System.Text.Json;
using System.Text.RegularExpressions;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// The reason a 400 gives for JSON that does not parse. System.Text.Json quotes the rest of the buffer after an invalid
/// literal (<c>'tru…' is an invalid JSON literal</c>): a 1 MB body with <c>tru</c> early came back as a 1 MB reason,
/// and into the log. Here the message ends before its <c>Path:</c> part, a value quoted at its start is cut to
/// <see cref="MaxQuoted"/> characters, and the whole goes through <see cref="LoggedText"/>.
/// </summary>
internal static partial class JsonErrorText
{
    /// <summary>How many characters of a quoted value are kept.</summary>
    public const int MaxQuoted = 40;

    /// <summary>The short reason for <paramref name="e"/>.</summary>
    /// <param name="e">What the JSON reader threw.</param>
    public static string Of(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        message = LongQuotedStart().Replace(message, m => $"'{m.Groups[1].Value}…' is ", 1);
        return LoggedText.Of(message, 300);
    }

    /// <summary>A message that starts by quoting more than 40 characters: <c>'…' is an invalid JSON literal</c>.</summary>
    [GeneratedRegex("^'([\\s\\S]{40})[\\s\\S]+?' is ", RegexOptions.CultureInvariant)]
    private static partial Regex LongQuotedStart();
}
