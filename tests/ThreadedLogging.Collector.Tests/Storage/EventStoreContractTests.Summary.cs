using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The summary (<c>GET /api/events/summary</c>): the histogram and every field's top values in one read, the same answers
/// as <see cref="IEventStore.CountByTimeAsync"/> and <see cref="IEventStore.CountByValueAsync"/> give one by one, on both engines.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private static readonly string?[] SummaryUsers = ["alice", "Alice", "bob", "\uFF71ki", "\U0001F600an", null];

    [Fact]
    public async Task Summarize_SeededStore_SameAsTheHistogramAndEachFieldsTopValues()
    {
        var events = MixedEvents.Make(11, 400, T0, SummaryUsers, 5);
        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        var hours = new TimeBuckets(T0.AddHours(-1), TimeSpan.FromHours(1), 80);
        // The second day only: the events of the other days are in the top values, not in the bars.
        var secondDay = new TimeBuckets(T0.AddDays(1), TimeSpan.FromHours(2), 12);
        // Every field, app and version (which reads the app too) side by side, in an order of their own.
        EventField[] fields = [EventField.Version, EventField.User, EventField.Template, EventField.App, EventField.Machine, EventField.Category];
        (EventQuery Query, TimeBuckets Buckets)[] cases =
        [
            (new(), hours), (new(), secondDay), (new() { User = "ALICE" }, hours), (new() { NoUser = true }, hours),
            (new() { MinLevel = LogLevel.Warning }, hours), (new() { Levels = [LogLevel.Error, LogLevel.Critical] }, secondDay),
            (new() { From = T0.AddDays(1), To = T0.AddDays(2) }, hours), (new() { Words = ["paid"] }, hours),
            (new() { User = "bob", Words = ["paid"] }, hours), (new() { App = "Shop" }, hours), (new() { Template = "Login failed" }, hours),
            (new() { Machine = "PC-1", From = T0.AddHours(30) }, hours), (new() { Words = ["nothing"] }, hours),
        ];
        foreach (var (query, buckets) in cases)
        {
            foreach (var top in (int[])[1, 2, 100])
            {
                var summary = await Store.SummarizeAsync(query, buckets, fields, top, CancellationToken.None);

                Assert.Equal(Sorted(await Store.CountByTimeAsync(query, buckets, CancellationToken.None)), Sorted(summary.Counts));
                Assert.Equal(fields.Length, summary.Values.Count);
                for (var i = 0; i < fields.Length; i++)
                {
                    var alone = await Store.CountByValueAsync(query, fields[i], top, CancellationToken.None);
                    Assert.Equal((alone.Total, alone.Distinct, alone.WithoutValue), (summary.Values[i].Total, summary.Values[i].Distinct, summary.Values[i].WithoutValue));
                    Assert.Equal(alone.Values, summary.Values[i].Values);
                }
            }
        }

        var histogramOnly = await Store.SummarizeAsync(new EventQuery(), hours, [], 5, CancellationToken.None);
        Assert.Empty(histogramOnly.Values);
        Assert.Equal(400, histogramOnly.Counts.Sum(c => c.Count));
    }

    [Fact]
    public async Task Summarize_TiedValues_InCodePointOrderAsTheTopValues()
    {
        // U+FF71 before U+1F600 by code point (and UTF-8 bytes); UTF-16 ordinal order puts the surrogate pair first.
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: "\U0001F600"), With(Event(2), user: "\uFF71"), With(Event(3), user: "z")]), CancellationToken.None);

        var summary = await Store.SummarizeAsync(new EventQuery(), new TimeBuckets(T0, TimeSpan.FromMinutes(1), 1), [EventField.User], 2, CancellationToken.None);

        Assert.Equal(["z", "\uFF71"], summary.Values[0].Values.Select(v => v.Value));
        Assert.Equal((3L, 3L), (summary.Values[0].Total, summary.Values[0].Distinct));
        Assert.Equal(summary.Values[0].Values, (await Store.CountByValueAsync(new EventQuery(), EventField.User, 2, CancellationToken.None)).Values);
    }
}
