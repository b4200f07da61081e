using System.Buffers;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// The kind of a refusal's reason, a poison line's key with its status: the reason without its variable parts (numbers
/// become "#", and it ends before its first quote character), what its template was. "message is 2000 bytes; the limit is
/// 1024" and "… 3000 bytes …" are one kind; "unknown message format 'yaml'" and "… 'toml'" are one; a malformed body and an
/// unknown format, both 400, are two. Not a quoted part masked up to its closing quote: a quote may hold the message's own
/// text with an apostrophe in it (System.Text.Json's "'tru's order 5 failed]}' is an invalid JSON literal" quotes the rest of
/// the body), and the text after that apostrophe made each such body a kind, and a line, of its own.
/// </summary>
internal static partial class SqsPoisonReasonKind
{
    /// <summary>The longest kind kept: a reason quoting a long text is cut after its start.</summary>
    private const int MaxLength = 200;

    /// <summary>Where a reason's quoted part begins: the kind ends there.</summary>
    private static readonly SearchValues<char> Quotes = SearchValues.Create("'\"“”‘’");

    /// <summary>The kind of <paramref name="reason"/>.</summary>
    public static string Of(string reason)
    {
        var kind = Number().Replace(reason, "#");
        var quote = kind.AsSpan().IndexOfAny(Quotes);
        if (quote >= 0)
        {
            kind = kind[..quote] + "'…'";
        }

        return kind.Length > MaxLength ? kind[..MaxLength] : kind;
    }

    [GeneratedRegex("[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
