using ThreadedLogging.Collector.Query;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>The histogram's buckets: round widths, aligned to the epoch, covering the whole range at any date there is.</summary>
public sealed class HistogramBucketsTests
{
    [Theory]
    [InlineData("2026-11-24T08:00:00Z", "2026-11-24T08:59:59Z", 60, "2026-11-24T08:00:00Z", 60, 60)]
    [InlineData("2026-11-24T08:00:00Z", "2026-11-24T08:59:59Z", 6, "2026-11-24T08:00:00Z", 600, 6)]
    [InlineData("2026-11-24T08:02:00Z", "2026-11-24T10:00:00Z", 60, "2026-11-24T08:02:00Z", 120, 60)]
    [InlineData("2026-11-24T08:00:07Z", "2026-11-24T08:00:07Z", 60, "2026-11-24T08:00:07Z", 1, 1)]
    [InlineData("1969-12-31T23:59:35Z", "1970-01-01T00:00:35Z", 6, "1969-12-31T23:59:30Z", 15, 5)] // floor before the epoch
    public void Choose_Range_RoundWidthAlignedToTheEpochCoveringBothEnds(string from, string to, int max, string start, long seconds, int count)
    {
        var buckets = HistogramBuckets.Choose(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), max);

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), buckets.Start);
        Assert.Equal(TimeSpan.FromSeconds(seconds), buckets.Width);
        Assert.Equal(count, buckets.Count);
    }

    [Fact]
    public void Choose_EveryDateThereIs_StartsAtYearOneAndEndsAtTheLastTick()
    {
        var buckets = HistogramBuckets.Choose(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 500);

        Assert.Equal(DateTimeOffset.MinValue, buckets.Start);
        Assert.True(buckets.Count <= 500);
        Assert.Equal(DateTimeOffset.MaxValue, buckets.End);
        Assert.True(buckets.Start + (buckets.Width * (buckets.Count - 1)) <= DateTimeOffset.MaxValue);
    }
}
