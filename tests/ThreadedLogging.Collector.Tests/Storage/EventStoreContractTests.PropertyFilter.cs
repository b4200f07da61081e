using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The <c>property</c> filter (Seq's <c>OrderId = 48151623</c>), the same on every store: a top-level property whose JSON
/// value is a string equal to the value, a number numerically equal to it, or the literal it names; never an object, an
/// array, a nested member, another name's case, or a word elsewhere.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private async Task AppendPropertyEventsAsync() =>
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1), """{"OrderId":48151623,"Action":"Checkout"}""", null),
            WithStructure(Event(2), """{"OrderId":"48151623","Action":"checkout"}""", null),
            WithStructure(Event(3), """{"OrderId":4.8151623e7,"Action":"Check*"}""", null),
            WithStructure(Event(4), """{"Flag":true,"Empty":"","Nothing":null,"Nested":{"OrderId":48151623},"List":[48151623],"Off":false}""", null),
            WithStructure(Event(5), """{"Flag":"true","Nothing":"null","Größe":"groß","Amount":1000.0,"Off":"False"}""", null),
            WithStructure(Event(6, message: "OrderId 48151623"), """{"orderid":48151623,"Note":"OrderId=48151623"}""", """{"scopes":[{"OrderId":48151623}]}"""),
            WithStructure(Event(7), """{"Gr\u00f6\u00dfe":"gro\u00df","Amount":1e3,"Big":12345678901234567}""", null),
            WithStructure(Event(8), """{"Amount":"1e3","Text":"<script>alert(1)</script> & more","Empty":null}""", null),
        ]), CancellationToken.None);

    [Theory]
    [InlineData("OrderId=48151623", new long[] { 1, 2, 3 })] // number, string, number in another form
    [InlineData("OrderId=4.8151623e7", new long[] { 1, 3 })] // a number form: equal numbers only, not the string
    [InlineData("OrderId=48151623.0", new long[] { 1, 3 })]
    [InlineData("OrderId=4815162", new long[0])] // no prefix
    [InlineData("orderid=48151623", new long[] { 6 })] // names are case-sensitive
    [InlineData("Action=Checkout", new long[] { 1 })] // values too (ordinal)
    [InlineData("Action=Check*", new long[] { 3 })] // '*' is a character, not a prefix
    [InlineData("Flag=true", new long[] { 4, 5 })] // the boolean and the string
    [InlineData("Off=false", new long[] { 4 })] // "False" is another string
    [InlineData("Nothing=null", new long[] { 4, 5 })] // JSON null and the string
    [InlineData("Empty=", new long[] { 4 })] // the empty string, not null
    [InlineData("Nested={\"OrderId\":48151623}", new long[0])] // objects never match
    [InlineData("List=[48151623]", new long[0])] // nor arrays
    [InlineData("Größe=groß", new long[] { 5, 7 })] // unicode name and value, escaped or not in the JSON
    [InlineData("Amount=1000", new long[] { 5, 7 })] // 1000.0 and 1e3, not the string "1e3"
    [InlineData("Amount=1e3", new long[] { 5, 7, 8 })] // ...which this value also is
    [InlineData("Big=12345678901234567", new long[] { 7 })]
    [InlineData("Amount=1e999", new long[0])] // beyond a double: text only, never a failed query
    [InlineData("Text=<script>alert(1)</script> & more", new long[] { 8 })]
    [InlineData("Missing=x", new long[0])]
    public async Task Query_PropertyCondition_MatchesByTheRule(string condition, long[] expected)
    {
        await AppendPropertyEventsAsync();
        var equals = condition.IndexOf('=', StringComparison.Ordinal);

        var found = await QueryAsync(new EventQuery { Properties = [new PropertyCondition(condition[..equals], condition[(equals + 1)..])] });

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
    }

    /// <summary>
    /// A name given twice in one object (JsonBatch's properties and CLEF's fields are stored as sent) has its last value,
    /// as System.Text.Json, JSON.parse (the console) and PostgreSQL's jsonb read it; an escaped spelling is the same name.
    /// </summary>
    [Theory]
    [InlineData("OrderId=1", new long[] { 2, 4 })]
    [InlineData("OrderId=2", new long[] { 1 })]
    [InlineData("OrderId=3", new long[0])] // the first value of event 3, whose last is an object
    [InlineData("Flag=true", new long[] { 3 })]
    [InlineData("Flag=false", new long[0])]
    public async Task Query_PropertyNameRepeated_TheLastValueCounts(string condition, long[] expected)
    {
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1), """{"OrderId":1,"OrderId":2}""", null),
            WithStructure(Event(2), """{"OrderId":2,"Other":5,"OrderId":1}""", null),
            WithStructure(Event(3), """{"OrderId":3,"Flag":false,"OrderId":{"Id":3},"Flag":true}""", null),
            WithStructure(Event(4), """{"Order\u0049d":"2","OrderId":"1"}""", null),
        ]), CancellationToken.None);
        var equals = condition.IndexOf('=', StringComparison.Ordinal);

        var found = await QueryAsync(new EventQuery { Properties = [new PropertyCondition(condition[..equals], condition[(equals + 1)..])] });

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
    }

    [Fact]
    public async Task Query_TwoPropertyConditionsWithOtherFilters_AllHold()
    {
        await AppendPropertyEventsAsync();
        PropertyCondition order = new("OrderId", "48151623");

        var both = await QueryAsync(new EventQuery { Properties = [order, new PropertyCondition("Action", "Checkout")] });
        var ofUser = await QueryAsync(new EventQuery { Properties = [order], User = "U0" });
        var withWords = await QueryAsync(new EventQuery { Properties = [order], Words = ["event 3"] });
        var paged = await Store.QueryAsync(new EventQuery { Properties = [order], Limit = 2 }, CancellationToken.None);
        var rest = await Store.QueryAsync(new EventQuery { Properties = [order], Limit = 2, Before = paged.Next }, CancellationToken.None);
        var contradiction = await QueryAsync(new EventQuery { Properties = [order, new PropertyCondition("OrderId", "1")] });

        Assert.Equal([1L], both.Select(e => e.Sequence!.Value));
        Assert.Equal([2L], ofUser.Select(e => e.Sequence!.Value));
        Assert.Equal([3L], withWords.Select(e => e.Sequence!.Value));
        Assert.Equal([3L, 2L, 1L], paged.Events.Concat(rest.Events).Select(e => e.Sequence!.Value));
        Assert.Empty(contradiction);
    }

    [Fact]
    public async Task CountByTimeAndTimeSpan_PropertyCondition_OnlyMatchingEvents()
    {
        await AppendPropertyEventsAsync();
        var query = new EventQuery { Properties = [new PropertyCondition("Flag", "true")] };

        var counts = await Store.CountByTimeAsync(query, new TimeBuckets(T0, TimeSpan.FromSeconds(3), 3), CancellationToken.None);
        var span = await Store.GetTimeSpanAsync(query, CancellationToken.None);

        Assert.Equal([new(1, Microsoft.Extensions.Logging.LogLevel.Information, 2)], Sorted(counts));
        Assert.Equal(new EventTimeSpan(T0.AddSeconds(4), T0.AddSeconds(5)), span);
    }
}
