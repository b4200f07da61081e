namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// W3C trace ids (https://www.w3.org/TR/trace-context/#trace-id): 32 hex digits, not all zero. Events keep theirs
/// in lower case in a column of their own (the <c>traceId</c> filter, an index), whatever case the client sent.
/// </summary>
internal static class TraceIds
{
    public const int Length = 32;

    /// <summary>The id in lower case, or null when <paramref name="text"/> is not a W3C trace id.</summary>
    public static string? Normalize(string? text)
    {
        if (text is not { Length: Length } || !text.AsSpan().ContainsAnyExcept('0') || text.AsSpan().ContainsAnyExcept(HexDigits))
        {
            return null;
        }

        return text.AsSpan().ContainsAnyInRange('A', 'F') ? text.ToLowerInvariant() : text;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
