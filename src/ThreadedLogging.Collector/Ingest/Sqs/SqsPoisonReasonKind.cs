using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// The kind of a refusal's reason, a poison line's key with its status: the reason without its variable parts (numbers and
/// quoted text become "#" and "'…'"), what its template was. "message is 2000 bytes; the limit is 1024" and "… 3000 bytes …"
/// are one kind; a malformed body and an unknown format, both 400, are two.
/// </summary>
internal static partial class SqsPoisonReasonKind
{
    /// <summary>The longest kind kept: a reason quoting a long text is cut after its start.</summary>
    private const int MaxLength = 200;

    /// <summary>The kind of <paramref name="reason"/>.</summary>
    public static string Of(string reason)
    {
        var kind = VariablePart().Replace(reason, m => char.IsAsciiDigit(m.ValueSpan[0]) ? "#" : "'…'");
        return kind.Length > MaxLength ? kind[..MaxLength] : kind;
    }

    [GeneratedRegex("""'[^']*'|"[^"]*"|“[^”]*”|[0-9]+""", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePart();
}
