using ThreadedLogging.Collector.Query;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary><c>q</c>'s grammar (docs/QUERY.md, "q"): what each text searches for, and the 400 reasons with their positions.</summary>
public sealed class SearchTextParserTests
{
    [Theory]
    // What worked before means the same: words AND-ed, phrases, prefixes, punctuation inside words.
    [InlineData("invoice", "\"invoice\"")]
    [InlineData("invoice rejected", "AND(\"invoice\", \"rejected\")")]
    [InlineData("\"rejected by bank\" invoi*", "AND(\"rejected by bank\", \"invoi*\")")]
    [InlineData("\"rejected by ba\"*", "\"rejected by ba*\"")]
    [InlineData("System.IO.IOException x-ray --verbose", "AND(\"System.IO.IOException\", \"x-ray\", \"--verbose\")")]
    [InlineData("foo(bar) Main(String[]", "AND(\"foo(bar)\", \"Main(String[]\")")]
    [InlineData("a - b", "AND(\"a\", \"b\")")] // '-' alone is punctuation
    [InlineData("a|b", "\"a|b\"")] // '|' is punctuation, as before: a phrase of a and b
    // Lower-case operators and quoted ones are words.
    [InlineData("payment or refund", "AND(\"payment\", \"or\", \"refund\")")]
    [InlineData("not found", "AND(\"not\", \"found\")")]
    [InlineData("\"OR\" \"NOT\" AND*", "AND(\"OR\", \"NOT\", \"AND*\")")]
    // Operators and their precedence: NOT > AND > OR.
    [InlineData("payment OR refund", "OR(\"payment\", \"refund\")")]
    [InlineData("timeout -retry", "AND(\"timeout\", NOT(\"retry\"))")]
    [InlineData("timeout NOT retry", "AND(\"timeout\", NOT(\"retry\"))")]
    [InlineData("timeout AND retry", "AND(\"timeout\", \"retry\")")]
    [InlineData("a b OR c -d", "OR(AND(\"a\", \"b\"), AND(\"c\", NOT(\"d\")))")]
    [InlineData("a OR b c", "OR(\"a\", AND(\"b\", \"c\"))")]
    [InlineData("a OR b OR c", "OR(\"a\", \"b\", \"c\")")]
    [InlineData("(timeout OR refused) -retry", "AND(OR(\"timeout\", \"refused\"), NOT(\"retry\"))")]
    [InlineData("x -(a OR b)", "AND(\"x\", NOT(OR(\"a\", \"b\")))")]
    [InlineData("x -\"by bank\" -ba*", "AND(\"x\", NOT(\"by bank\"), NOT(\"ba*\"))")]
    [InlineData("(a (b c))", "AND(\"a\", \"b\", \"c\")")]
    [InlineData("(inv* OR pay*)", "OR(\"inv*\", \"pay*\")")]
    [InlineData("(call foo(bar))", "AND(\"call\", \"foo(bar)\")")]
    [InlineData("x (-a b)", "AND(\"x\", NOT(\"a\"), \"b\")")]
    [InlineData("(a) OR ((b))", "OR(\"a\", \"b\")")]
    public void TryParse_Valid_Tree(string q, string expected)
    {
        Assert.True(SearchTextParser.TryParse(q, out var search, out var error), error);
        Assert.Equal(expected, search.Describe());
    }

    [Theory]
    [InlineData("-retry", "the search at position 1 only excludes (NOT, -)")]
    [InlineData("NOT retry", "the search at position 1 only excludes")]
    [InlineData("a OR -b", "the search at position 6 only excludes")]
    [InlineData("a (-b)", "the search at position 4 only excludes")]
    [InlineData("OR a", "'OR' at position 1 has nothing before it")]
    [InlineData("a OR", "'OR' at position 3 has nothing after it")]
    [InlineData("a OR OR b", "'OR' at position 3 has nothing after it")]
    [InlineData("(a OR) b", "'OR' at position 4 has nothing after it")]
    [InlineData("AND a", "'AND' at position 1 has nothing before it")]
    [InlineData("a AND", "'AND' at position 3 has nothing after it")]
    [InlineData("a NOT", "'NOT' at position 3 must be followed by a word, a phrase or a group")]
    [InlineData("a NOT NOT b", "'NOT' at position 3 must be followed")]
    [InlineData("a -(", "'(' at position 4 is not closed")]
    [InlineData("(a OR b", "'(' at position 1 is not closed")]
    [InlineData("a) b", "')' at position 2 closes no '('")]
    [InlineData(") a", "')' at position 1 closes no '('")]
    [InlineData("a ( ) b", "the group at position 3 is empty")]
    [InlineData("((((((((( a )))))))))", "'(' at position 9 nests groups deeper than 8")]
    [InlineData("-", "no word to search for")]
    [InlineData("\"open", "quote that is not closed at position 1")]
    [InlineData("a*b", "'*' marks a prefix and must end a word or phrase (at position 2)")]
    [InlineData("a*", "a prefix needs at least 2 letters or digits")]
    public void TryParse_Malformed_ReasonWithPosition(string q, string reason)
    {
        Assert.False(SearchTextParser.TryParse(q, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.StartsWith("parameter 'q'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DepthBound_EightGroupsTaken()
    {
        Assert.True(SearchTextParser.TryParse("(((((((( a ))))))))", out var search, out var error), error);
        Assert.Equal("\"a\"", search.Describe());
    }

    [Fact]
    public void TryParse_TermsCountedUnderEveryOperator_SixteenAtMost()
    {
        var sixteen = "a0 " + string.Join(" ", Enumerable.Range(1, 15).Select(i => (i % 3) switch { 0 => "-x" + i, 1 => "OR y" + i, _ => "z" + i }));
        var seventeen = sixteen + " -w";

        Assert.True(SearchTextParser.TryParse(sixteen, out var search, out var error), error);
        Assert.Equal(16, search.Terms.Count());
        Assert.False(SearchTextParser.TryParse(seventeen, out _, out error));
        Assert.Contains("more than 16 words or phrases", error, StringComparison.Ordinal);
    }
}
