using System.Globalization;

namespace ThreadedLogging.Tests.Diagnostics;

/// <summary>The one rule by which the handler's own messages say a count ("1 event", never "1 events").</summary>
public sealed class CountedTests
{
    [Theory]
    [InlineData(0, "0 events")]
    [InlineData(1, "1 event")]
    [InlineData(2, "2 events")]
    [InlineData(-1, "-1 events")]
    [InlineData(1234567, "1234567 events")]
    public void Events_SaysTheCountWithTheNounThatAgrees(long count, string expected) => Assert.Equal(expected, Counted.Events(count));

    [Theory]
    [InlineData(1, "was")]
    [InlineData(0, "were")]
    [InlineData(3, "were")]
    public void Agree_OneTakesTheSingular(long count, string expected) => Assert.Equal(expected, Counted.Agree(count, "was", "were"));

    [Fact]
    public void Of_WritesTheNumberTheSameInEveryCulture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA"); // a culture whose minus sign differs from '-'
            Assert.Equal("-2 segments", Counted.Of(-2, "segment", "segments"));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
