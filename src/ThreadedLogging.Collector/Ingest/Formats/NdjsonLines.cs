namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>The non-blank lines of a newline-delimited body (LF or CRLF), with their 1-based line numbers for reasons.</summary>
internal struct NdjsonLines(ReadOnlyMemory<byte> body)
{
    private ReadOnlyMemory<byte> _rest = body;

    /// <summary>Gets the 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Moves to the next non-blank line.</summary>
    public bool TryNext(out ReadOnlyMemory<byte> line)
    {
        while (!_rest.IsEmpty)
        {
            LineNumber++;
            var end = _rest.Span.IndexOf((byte)'\n');
            line = end >= 0 ? _rest[..end] : _rest;
            _rest = end >= 0 ? _rest[(end + 1)..] : ReadOnlyMemory<byte>.Empty;
            if (!line.Span.Trim("\r \t"u8).IsEmpty)
            {
                return true;
            }
        }

        line = default;
        return false;
    }
}
