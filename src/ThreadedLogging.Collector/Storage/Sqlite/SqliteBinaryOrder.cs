namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Text in the order of SQLite's BINARY collation (<c>memcmp</c> of the UTF-8 bytes, which is code point order; and of
/// PostgreSQL's <c>COLLATE "C"</c> in a UTF8 database), null first as <c>NULLS FIRST</c>: the ties of the top values
/// when they are ranked in memory (<see cref="SqliteSummaryReader"/>) rather than by an <c>ORDER BY</c>.
/// </summary>
internal sealed class SqliteBinaryOrder : IComparer<string?>
{
    public static readonly SqliteBinaryOrder Instance = new();

    private SqliteBinaryOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var same = x.AsSpan().CommonPrefixLength(y);
        return same < x.Length && same < y.Length ? CodePointOrder(x[same]) - CodePointOrder(y[same]) : x.Length.CompareTo(y.Length);
    }

    /// <summary>
    /// A UTF-16 unit's place in code point order: ordinal order but for the surrogates (code points past U+FFFF), which
    /// come after U+E000–U+FFFF there and before them in UTF-16 (<c>string.CompareOrdinal</c> puts 😀 before ｱ; UTF-8 after).
    /// </summary>
    private static int CodePointOrder(char unit) => unit >= 0xE000 ? unit - 0x800 : unit >= 0xD800 ? unit + 0x2000 : unit;
}
