namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>The collector's one wording of a count of events (an alert's text, the backup's lines).</summary>
public sealed class CountedTests
{
    [Theory]
    [InlineData(0, "0 events")]
    [InlineData(1, "1 event")]
    [InlineData(2, "2 events")]
    [InlineData(12345, "12,345 events")]
    public void Events_Count_TheNounAgreesWithIt(long count, string expected) => Assert.Equal(expected, Counted.Events(count));
}
