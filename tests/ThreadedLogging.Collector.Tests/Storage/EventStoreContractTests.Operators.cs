using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// <c>q</c>'s operators (docs/QUERY.md, "q"): OR, exclusions (<c>-word</c>, <c>NOT</c>) and groups find the same events on
/// every store, alone, with a user (SQLite's other plans: the matches intersected with the user's rows, or each row
/// checked) and with a property condition (its phrase AND-ed to the search), and the counts read the same grammar.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private protected static NewEvent[] OperatorEvents() =>
    [
        Event(1, message: "timeout connecting to bank"),
        Event(2, message: "timeout, retry 1 of 3"),
        Event(3, message: "connection refused by bank"),
        Event(4, message: "connection refused, retry scheduled"),
        Event(5, message: "payment accepted"),
        WithStructure(Event(6, message: "refund issued"), """{"Reason":"retry later"}""", null),
        Event(7, message: "payment refund reversed"),
        With(Event(8, message: "payment failed"), exception: """{"type":"System.TimeoutException","message":"gateway slow"}"""),
    ];

    [Theory]
    [InlineData("timeout -retry", new long[] { 1 })]
    [InlineData("-retry timeout", new long[] { 1 })]
    [InlineData("timeout NOT retry", new long[] { 1 })]
    [InlineData("(timeout OR refused) -retry", new long[] { 1, 3 })]
    [InlineData("(timeout OR refused) -\"retry scheduled\"", new long[] { 1, 2, 3 })]
    [InlineData("payment OR refund", new long[] { 5, 6, 7, 8 })]
    [InlineData("payment refund", new long[] { 7 })]
    [InlineData("refund -retry", new long[] { 7 })] // event 6's retry is a property's value
    [InlineData("payment -timeoutexception", new long[] { 5, 7 })] // event 8's is in the exception
    [InlineData("ref* -reversed", new long[] { 3, 4, 6 })]
    [InlineData("bank OR pay* -accepted", new long[] { 1, 3, 7, 8 })]
    [InlineData("timeout NOT (retry OR bank)", new long[0])]
    [InlineData("(connection OR payment) -(refused OR accepted)", new long[] { 7, 8 })]
    [InlineData("\"refused by\"* OR issued", new long[] { 3, 6 })]
    [InlineData("zzz OR yyy", new long[0])]
    public async Task Query_Operators_SameEventsAloneWithAUserAndCounted(string q, long[] expected)
    {
        await Store.AppendAsync(new EventBatch(null, OperatorEvents()), CancellationToken.None);
        Assert.True(SearchTextParser.TryParse(q, out var search, out var error), error);

        var found = await QueryAsync(new EventQuery { Search = search });
        var forUser = await QueryAsync(new EventQuery { Search = search, User = "U1" });
        var counted = await Store.CountByValueAsync(new EventQuery { Search = search }, EventField.User, 10, CancellationToken.None);

        Assert.Equal(expected.Reverse(), found.Select(e => e.Sequence!.Value));
        Assert.Equal(expected.Where(s => s % 2 == 1).Reverse(), forUser.Select(e => e.Sequence!.Value));
        Assert.Equal(expected.Length, counted.Total);
    }

    /// <summary>
    /// A property condition holds beside any search: its value's phrase is AND-ed to the whole of <c>q</c>, never taken into
    /// one of its ORs or NOTs; an exclusion of the value's own words leaves nothing. A <c>q</c> word written <c>Name=value</c>
    /// is the phrase of its words, which a property's name never is part of (full text holds values, not names).
    /// </summary>
    [Theory]
    [InlineData("refund OR timeout", "Reason=retry later", new long[] { 6 })]
    [InlineData("refund", "Reason=retry later", new long[] { 6 })]
    [InlineData("(refund OR timeout) -issued", "Reason=retry later", new long[0])]
    [InlineData("refund NOT reversed", "Reason=retry later", new long[] { 6 })]
    [InlineData("refund -later", "Reason=retry later", new long[0])] // the value's own word excluded
    [InlineData("refund -\"retry later\"", "Reason=retry later", new long[0])]
    [InlineData("payment OR (refund -later)", "Reason=retry later", new long[0])]
    [InlineData("payment OR -issued refund", "Reason=retry later", new long[0])]
    [InlineData("retry OR bank", "Reason=retry later", new long[] { 6 })]
    [InlineData("timeout OR payment", "Reason=retry later", new long[0])]
    [InlineData("Reason=retry", null, new long[0])] // names are not indexed: the phrase "reason retry" is nowhere
    [InlineData("Reason=retry OR refund", null, new long[] { 6, 7 })]
    [InlineData("refund -Reason=retry", null, new long[] { 6, 7 })]
    public async Task Query_OperatorsAndPropertyCondition_BothHold(string q, string? condition, long[] expected)
    {
        await Store.AppendAsync(new EventBatch(null, OperatorEvents()), CancellationToken.None);
        Assert.True(SearchTextParser.TryParse(q, out var search, out var error), error);
        var equals = condition?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        PropertyCondition[] properties = condition is null ? [] : [new PropertyCondition(condition[..equals], condition[(equals + 1)..])];

        var found = await QueryAsync(new EventQuery { Search = search, Properties = properties });
        var forUser = await QueryAsync(new EventQuery { Search = search, Properties = properties, User = "U1" });
        var counted = await Store.CountByValueAsync(new EventQuery { Search = search, Properties = properties }, EventField.User, 10, CancellationToken.None);

        Assert.Equal(expected.Reverse(), found.Select(e => e.Sequence!.Value));
        Assert.Equal(expected.Where(s => s % 2 == 1).Reverse(), forUser.Select(e => e.Sequence!.Value));
        Assert.Equal(expected.Length, counted.Total);
    }
}
