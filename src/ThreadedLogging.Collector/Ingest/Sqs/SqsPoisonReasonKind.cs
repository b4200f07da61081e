using System.Buffers;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// The kind of a refusal's reason, a poison line's key with its status: the reason without its variable parts, what its
/// template was. Numbers become "#"; a quoted name (no white space in it, its closing quote not inside a word: <c>'@t'</c>,
/// <c>'level'</c>, <c>'yaml'</c>) becomes <c>'…'</c>; and what lies between the first and the last quote character left is
/// cut, since a quote may hold the message's own text with an apostrophe in it (System.Text.Json's "'tru's order 5 failed]}'
/// is an invalid JSON literal" quotes the rest of the body): the reason's own words after that text stay. "message is 2000
/// bytes; the limit is 1024" and "… 3000 bytes …" are one kind; "unknown message format 'yaml'" and "… 'toml'" are one; a
/// malformed body and an unknown format, both 400, are two; and so are "'@t' (the event's time) is missing" and "'@r' must be
/// an array of strings", which a kind ending at its first quote (cf515cb) made one, the second's first line never said.
/// </summary>
internal static partial class SqsPoisonReasonKind
{
    /// <summary>The longest kind kept: a reason quoting a long text is cut after its start.</summary>
    private const int MaxLength = 200;

    /// <summary>What a quoted name is masked with: no quote character, so the cut below does not take it for one.</summary>
    private const string Masked = "\u0001";

    /// <summary>Where a reason's quoted text begins and ends.</summary>
    private static readonly SearchValues<char> Quotes = SearchValues.Create("'\"“”‘’");

    /// <summary>The kind of <paramref name="reason"/>.</summary>
    public static string Of(string reason)
    {
        var kind = QuotedName().Replace(Number().Replace(reason, "#"), Masked);
        var first = kind.AsSpan().IndexOfAny(Quotes);
        if (first >= 0)
        {
            var last = kind.AsSpan().LastIndexOfAny(Quotes);
            kind = string.Concat(kind.AsSpan(0, first), Masked, kind.AsSpan(last + 1));
        }

        kind = kind.Replace(Masked, "'…'", StringComparison.Ordinal);
        return kind.Length > MaxLength ? kind[..MaxLength] : kind;
    }

    [GeneratedRegex("[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    /// <summary>A name in quotes: no white space or quote in it, the closing quote not followed by a letter (<c>'tru's</c>: an apostrophe).</summary>
    [GeneratedRegex("""(['"])[^'"\s]*\1(?!\w)""", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedName();
}
