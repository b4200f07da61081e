using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The histogram's counts (<c>GET /api/events/histogram</c>): events by time bucket and level, under every filter of a query.</summary>
public abstract partial class EventStoreContractTests
{
    private static readonly TimeBuckets ThreeMinutes = new(T0, TimeSpan.FromMinutes(1), 3);

    [Fact]
    public async Task CountByTime_EventsByBucketAndLevel_EdgesInTheLaterBucketOutsideNotCounted()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Event(1, at: T0.AddTicks(-1)), // before the first bucket
            Event(2, at: T0),
            Event(3, at: T0.AddSeconds(59), level: LogLevel.Error),
            Event(4, at: T0.AddSeconds(60)), // a bucket's start belongs to it
            Event(5, at: T0.AddSeconds(61), level: LogLevel.Warning),
            Event(6, at: T0.AddMinutes(3).AddTicks(-1)),
            Event(7, at: T0.AddMinutes(3)), // the end of the last bucket: outside
        ]), CancellationToken.None);

        var counts = await Store.CountByTimeAsync(new EventQuery(), ThreeMinutes, CancellationToken.None);

        Assert.Equal(
            [new(0, LogLevel.Information, 1), new(0, LogLevel.Error, 1), new(1, LogLevel.Information, 1), new(1, LogLevel.Warning, 1), new(2, LogLevel.Information, 1)],
            Sorted(counts));
    }

    [Fact]
    public async Task CountByTime_QueryFilters_OnlyWhatTheListWouldShow()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Traced(Event(1, at: T0.AddSeconds(10), message: "card declined", level: LogLevel.Error), TraceA),
            Event(2, at: T0.AddSeconds(20), message: "card declined"),
            Event(3, at: T0.AddSeconds(70), message: "card accepted", level: LogLevel.Error),
            Event(4, at: T0.AddSeconds(130), message: "card declined", level: LogLevel.Warning),
            Event(5, at: T0.AddSeconds(140), message: "card declined"),
        ]), CancellationToken.None);

        async Task<BucketCount[]> Count(EventQuery query) => Sorted(await Store.CountByTimeAsync(query, ThreeMinutes, CancellationToken.None));

        // User u1 has the odd sequences; words drive the plan alone (FTS5 first) or with a user (the filter first).
        Assert.Equal([new(0, LogLevel.Error, 1), new(1, LogLevel.Error, 1), new(2, LogLevel.Information, 1)], await Count(new EventQuery { User = "U1" }));
        Assert.Equal([new(0, LogLevel.Information, 1), new(0, LogLevel.Error, 1), new(2, LogLevel.Information, 1), new(2, LogLevel.Warning, 1)], await Count(new EventQuery { Words = ["declined"] }));
        Assert.Equal([new(0, LogLevel.Error, 1), new(2, LogLevel.Information, 1)], await Count(new EventQuery { User = "u1", Words = ["declined"] }));
        Assert.Equal([new(0, LogLevel.Error, 1), new(1, LogLevel.Error, 1), new(2, LogLevel.Warning, 1)], await Count(new EventQuery { MinLevel = LogLevel.Warning }));
        Assert.Equal([new(0, LogLevel.Error, 1)], await Count(new EventQuery { TraceId = TraceA }));
        Assert.Equal([new(1, LogLevel.Error, 1), new(2, LogLevel.Warning, 1)], await Count(new EventQuery { From = T0.AddSeconds(20).AddTicks(1), To = T0.AddSeconds(130) }));
        Assert.Empty(await Count(new EventQuery { User = "nobody" }));
    }

    [Fact]
    public async Task GetTimeSpan_OldestAndNewestOfTheMatches_NullForNone()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Event(1, at: T0.AddMinutes(5), message: "disk full"),
            Event(2, at: T0.AddMinutes(-5), message: "disk full"),
            Event(3, at: T0.AddHours(2), message: "started"),
        ]), CancellationToken.None);

        var all = await Store.GetTimeSpanAsync(new EventQuery(), CancellationToken.None);
        var disk = await Store.GetTimeSpanAsync(new EventQuery { Words = ["disk"] }, CancellationToken.None);
        var none = await Store.GetTimeSpanAsync(new EventQuery { Words = ["printer"] }, CancellationToken.None);

        Assert.Equal(new EventTimeSpan(T0.AddMinutes(-5), T0.AddHours(2)), all);
        Assert.Equal(new EventTimeSpan(T0.AddMinutes(-5), T0.AddMinutes(5)), disk);
        Assert.Null(none);
    }

    private static BucketCount[] Sorted(IEnumerable<BucketCount> counts) => [.. counts.OrderBy(c => c.Bucket).ThenBy(c => c.Level)];
}
