using System.Text;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// What SQLite's full text indexes of an event's properties and scopes (<see cref="PropertyText"/>): every value not
/// already held by the message as whole words, one per line, numbers as jsonb writes them, the last of a repeated name.
/// </summary>
public sealed class PropertyTextTests
{
    [Theory]
    [InlineData("Order 77 shipped", "77", true)]
    [InlineData("Order 77 shipped", "Order", true)]
    [InlineData("Order 77 shipped", "shipped", true)]
    [InlineData("Order 77 shipped", "77 shipped", true)]
    [InlineData("to customer-42.", "customer-42", true)]
    [InlineData("to customer-42.", "customer", true)]
    [InlineData("to customer-42.", "42", true)]
    [InlineData("Order 77 shipped", "ship", false)] // inside a word
    [InlineData("Order 770 shipped", "77", false)]
    [InlineData("Order 1770", "77", false)]
    [InlineData("x77 and 77", "77", true)] // the second occurrence is whole
    [InlineData("Order 77 shipped", "order", false)] // case: only the same bytes count
    [InlineData("café au lait", "café", true)]
    [InlineData("cafés", "café", false)]
    [InlineData("naïve", "na", false)] // 'ï' is a letter, not a boundary
    [InlineData("ab", "abc", false)]
    [InlineData("anything", "", true)] // no words: nothing to find
    [InlineData("Order 77", "(77)", false)]
    [InlineData("Order (77)", "(77)", true)]
    [InlineData("Order 77", " 77", true)] // a value that starts with a separator needs none before it
    public void HeldAsWords_WholeWordsOnly(string message, string value, bool held)
    {
        Assert.Equal(held, PropertyText.HeldAsWords(Encoding.UTF8.GetBytes(message), Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void Of_LeavesOutWhatTheMessageHolds()
    {
        var text = new PropertyText();

        var indexed = Text(text.Of("""{"N":77,"Customer":"customer-42","Verb":"ship","Note":"kappa"}""", null, "Order 77 shipped to customer-42"u8));

        Assert.Equal("ship\nkappa\n", indexed);
    }

    [Fact]
    public void Of_EveryValueWhenTheMessageHoldsNone()
    {
        var text = new PropertyText();

        var indexed = Text(text.Of("""{"A":{"B":["x",2]},"C":"y\u00e9","D":true,"E":null}""", """{"scopes":[{"S":"s1"},"plain"],"threadId":7}""", "m"u8));

        Assert.Equal("x\n2\ny\u00e9\ns1\nplain\n", indexed);
    }

    [Theory]
    [InlineData("1e3", "1000")]
    [InlineData("1.50", "1.50")]
    [InlineData("-0", "0")]
    [InlineData("-12", "-12")]
    [InlineData("123456789012345678901234567890123", "123456789012345678901234567890123")] // beyond decimal: as written
    [InlineData("1e400", "1e400")]
    public void Of_NumbersAsJsonbWritesThem(string json, string expected)
    {
        var text = new PropertyText();

        Assert.Equal(expected + "\n", Text(text.Of($$"""{"N":{{json}}}""", null, "m"u8)));
    }

    [Fact]
    public void Of_RepeatedNameKeepsTheLastValue_AndTheBufferIsReused()
    {
        var text = new PropertyText();

        Assert.Equal("b\nlast\n", Text(text.Of("""{"A":"first","B":"b","A":"last"}""", null, "m"u8)));
        Assert.Equal("b\nlast\n", Text(text.Of("""{"A":{"X":"first","Y":"y"},"B":"b","A":"last"}""", null, "m"u8)));
        Assert.Equal(string.Empty, Text(text.Of(null, """{"threadId":7}""", "m"u8)));
        Assert.Equal("held\n", Text(text.Of("""{"A":"m","A":"held"}""", null, "m"u8)));
    }

    [Fact]
    public void Of_EscapedValueComparedUnescaped()
    {
        var text = new PropertyText();

        Assert.Equal(string.Empty, Text(text.Of("""{"S":"Re\u0061dy \"now\""}""", null, "status Ready \"now\""u8)));
        Assert.Equal("tab\there\n", Text(text.Of("""{"S":"tab\there"}""", null, "status"u8)));
    }

    private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
