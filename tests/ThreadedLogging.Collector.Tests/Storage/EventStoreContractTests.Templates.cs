using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The kinds of events (<see cref="EventTemplates"/>): the <c>template</c> filter and the top templates, on every store
/// alike — an event's message template, or its message when it has none; exact and case-sensitive.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private const string Declined = "Payment of {Amount} declined for {OrderId}";

    private async Task AppendTemplatedEventsAsync() =>
        await Store.AppendAsync(new EventBatch(null, [
            Templated(1, Declined, "Payment of 12 declined for 7", LogLevel.Error, "bob"),
            Templated(2, Declined, "Payment of 30 declined for 8", LogLevel.Error, "alice"),
            Templated(3, "Payment of {Amount} accepted", "Payment of 12 accepted", LogLevel.Information, "bob"),
            Templated(4, null, "Printer offline", LogLevel.Warning, "bob"),
            Templated(5, null, "Printer offline", LogLevel.Critical, "carol"),
            Templated(6, Declined.ToUpperInvariant(), "PAYMENT OF 1 DECLINED FOR 9", LogLevel.Error, "bob"),
            Templated(7, Declined, "Payment of 5 declined for 10", LogLevel.Information, "carol"),
            Templated(8, "Printer offline", "Printer offline", LogLevel.Warning, "dave"),
            Templated(9, "<script>alert(1)</script> {X}", "<script>alert(1)</script> 1", LogLevel.Information, "dave"),
        ]), CancellationToken.None);

    [Theory]
    [InlineData(Declined, new long[] { 1, 2, 7 })] // its events, whatever their values; not another case's
    [InlineData("Payment of 12 declined for 7", new long[0])] // a rendered message is not the template of an event that has one
    [InlineData("Printer offline", new long[] { 4, 5, 8 })] // no template: the message; and a template equal to it
    [InlineData("printer offline", new long[0])] // exact case
    [InlineData("Printer", new long[0])] // no prefix
    [InlineData("<script>alert(1)</script> {X}", new long[] { 9 })]
    public async Task Query_Template_TheEventsOfThatKind(string template, long[] expected)
    {
        await AppendTemplatedEventsAsync();

        var found = await QueryAsync(new EventQuery { Template = template });

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
    }

    [Fact]
    public async Task Query_TemplateWithOtherFilters_AllHold()
    {
        await AppendTemplatedEventsAsync();

        Assert.Equal([7L, 2, 1], (await QueryAsync(new EventQuery { Template = Declined })).Select(e => e.Sequence!.Value)); // newest first
        Assert.Equal([1L], (await QueryAsync(new EventQuery { Template = Declined, User = "BOB" })).Select(e => e.Sequence!.Value));
        Assert.Equal([2L, 1], (await QueryAsync(new EventQuery { Template = Declined, MinLevel = LogLevel.Error })).Select(e => e.Sequence!.Value));
        Assert.Equal([2L], (await QueryAsync(new EventQuery { Template = Declined, Words = ["30"] })).Select(e => e.Sequence!.Value));
        Assert.Equal([5L], (await QueryAsync(new EventQuery { Template = "Printer offline", Levels = [LogLevel.Critical] })).Select(e => e.Sequence!.Value));

        var page = await Store.QueryAsync(new EventQuery { Template = Declined, Limit = 2 }, CancellationToken.None);
        var rest = await Store.QueryAsync(new EventQuery { Template = Declined, Limit = 2, Before = page.Next }, CancellationToken.None);
        Assert.Equal([7L, 2, 1], page.Events.Concat(rest.Events).Select(e => e.Sequence!.Value));
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task CountByValue_Templates_EachKindWithItsErrorsAndTheHistogramAgrees()
    {
        await AppendTemplatedEventsAsync();

        var kinds = await Store.CountByValueAsync(new EventQuery(), EventField.Template, 10, CancellationToken.None);

        Assert.Equal((9L, 5L), (kinds.Total, kinds.Distinct));
        // Most events first; ties in byte order ('<' before 'P': upper case before lower).
        Assert.Equal(
            [(Declined, 3L, 2L), ("Printer offline", 3, 1), ("<script>alert(1)</script> {X}", 1, 0), ("PAYMENT OF {AMOUNT} DECLINED FOR {ORDERID}", 1, 1), ("Payment of {Amount} accepted", 1, 0)],
            kinds.Values.Select(v => (v.Value, v.Count, v.Errors)));
        Assert.Equal(T0.AddSeconds(7), kinds.Values[0].Newest);

        var bobs = await Store.CountByValueAsync(new EventQuery { User = "bob", MinLevel = LogLevel.Warning }, EventField.Template, 2, CancellationToken.None);
        Assert.Equal([("PAYMENT OF {AMOUNT} DECLINED FOR {ORDERID}", 1L), (Declined, 1)], bobs.Values.Select(v => (v.Value, v.Count)));
        Assert.Equal((3L, 3L), (bobs.Total, bobs.Distinct));

        var users = await Store.CountByValueAsync(new EventQuery { Template = "Printer offline" }, EventField.User, 10, CancellationToken.None);
        Assert.Equal([("bob", 1L), ("carol", 1), ("dave", 1)], users.Values.Select(v => (v.Value, v.Count)));

        var counts = await Store.CountByTimeAsync(new EventQuery { Template = Declined }, new TimeBuckets(T0, TimeSpan.FromSeconds(10), 1), CancellationToken.None);
        Assert.Equal(3, counts.Sum(c => c.Count));
    }

    private static NewEvent Templated(long sequence, string? template, string message, LogLevel level, string user) =>
        new() { Timestamp = T0.AddSeconds(sequence), Level = level, Template = template, Message = message, App = "App", User = user, Sequence = sequence };
}
