using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// A dotted <c>property</c> name is also a path (Seq's <c>Order.Id = 7</c>), the same on every store: the top-level
/// property of that name, or the member at the path through objects (any depth), the first name also as MEL's
/// destructured <c>@Order</c> in an event without <c>Order</c>; arrays are not indexed; each name is data, never path syntax.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private const string Hostile = "q\"t.$[0].x y";

    private async Task AppendPathEventsAsync() =>
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1), """{"Order":{"Id":7,"Customer":{"Name":"Ann","Tier":2}}}""", null), // Serilog, NLog
            WithStructure(Event(2), """{"@Order":{"$type":"Order","Id":7,"Customer":{"Name":"Bob"}}}""", null), // MEL's {@Order}
            WithStructure(Event(3), """{"Order.Id":7}""", null), // a top-level name with a dot
            WithStructure(Event(4), """{"Order":{"Id":8},"@Order":{"Id":7}}""", null), // Order there: @Order not looked at
            WithStructure(Event(5), """{"Order":[{"Id":7}],"Lines":[7]}""", null), // arrays
            WithStructure(Event(6), """{"Order":"7","Order2":{"Id":"7"}}""", null), // a string has no members
            WithStructure(Event(7), """{"Order":{"Id":"7"}}""", null),
            WithStructure(Event(8), """{"Order":{"Id":7,"Id":9}}""", null), // a name given twice: the last
            WithStructure(Event(9), """{"q\"t":{"$[0]":{"x y":"hit"}}}""", null), // names that are path syntax elsewhere
            WithStructure(Event(10), """{"q\"t":[{"x y":"hit"}],"$":{"x y":"hit"}}""", null), // what $."q\"t"[0]."x y" would find
            WithStructure(Event(11), """{"a":{"b":{"c":true}},"Customer":{"Name":"Ann"}}""", null),
            WithStructure(Event(12), """{"it's \"odd\" ]$":"v","a.b":{"c":true}}""", null),
        ]), CancellationToken.None);

    [Theory]
    [InlineData("Order.Id=7", new long[] { 1, 2, 3, 7 })] // nested (number and string), @Order, the dotted name
    [InlineData("Order.Id=7.0", new long[] { 1, 2, 3 })] // a number form: numbers only
    [InlineData("Order.Id=8", new long[] { 4 })]
    [InlineData("Order.Id=9", new long[] { 8 })]
    [InlineData("@Order.Id=7", new long[] { 2, 4 })] // named with its '@': itself
    [InlineData("Order.Customer.Name=Ann", new long[] { 1 })] // two deep
    [InlineData("Order.Customer.Name=Bob", new long[] { 2 })] // two deep under @Order
    [InlineData("Order.Customer.Tier=2", new long[] { 1 })]
    [InlineData("Customer.Name=Ann", new long[] { 11 })]
    [InlineData("a.b.c=true", new long[] { 11 })] // the whole name or every dot a step: not 'a.b' then 'c' (event 12)
    [InlineData("Order2.Id=7", new long[] { 6 })]
    [InlineData("Order.0.Id=7", new long[0])] // arrays are not indexed
    [InlineData("Lines.0=7", new long[0])]
    [InlineData("Order.Customer={\"Name\":\"Ann\"}", new long[0])] // objects never match
    [InlineData(Hostile + "=hit", new long[] { 9 })] // quotes, '$', brackets, a space: names, matching only themselves
    [InlineData("it's \"odd\" ]$=v", new long[] { 12 })]
    [InlineData("Order..Id=7", new long[0])] // an empty name: no path
    [InlineData(".Id=7", new long[0])]
    public async Task Query_PropertyPath_MatchesTheNestedMember(string condition, long[] expected)
    {
        await AppendPathEventsAsync();
        var equals = condition.IndexOf('=', StringComparison.Ordinal);

        var found = await QueryAsync(new EventQuery { Properties = [new PropertyCondition(condition[..equals], condition[(equals + 1)..])] });

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
    }

    [Fact]
    public async Task Query_PropertyPathWithOtherFilters_AllHold()
    {
        await AppendPathEventsAsync();
        PropertyCondition id = new("Order.Id", "7");

        var both = await QueryAsync(new EventQuery { Properties = [id, new PropertyCondition("Order.Customer.Name", "Bob")] });
        var ofUser = await QueryAsync(new EventQuery { Properties = [id], User = "u1" });
        var counts = await Store.CountByTimeAsync(new EventQuery { Properties = [id] }, new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), CancellationToken.None);

        Assert.Equal([2L], both.Select(e => e.Sequence!.Value));
        Assert.Equal([1L, 3L, 7L], ofUser.Select(e => e.Sequence!.Value).Order());
        Assert.Equal(4, counts.Sum(c => c.Count));
    }
}
