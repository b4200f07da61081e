using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Full text over the values of an event's properties and scopes (an order id a support person pastes), the same on
/// every store: strings and numbers at any depth, never the names, nor the rest of the context.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private protected static NewEvent WithStructure(NewEvent e, string? properties, string? context) => With(e, properties: properties, context: context);

    [Theory]
    [InlineData("48151623", 1L)] // a number property
    [InlineData("ZO\u00cb", 1L)] // a nested string, diacritics folded
    [InlineData("zoe", 1L)]
    [InlineData("1000", 1L)] // 1e3, as PostgreSQL's jsonb writes it
    [InlineData("\"2 50\"", 1L)] // 2.50: its scale kept
    [InlineData("acme", 2L)] // a scope's value (a dictionary scope)
    [InlineData("\"request r 77\"", 2L)] // a text scope, as a phrase
    [InlineData("tenant", 0L)] // a scope's name
    [InlineData("OrderId", 0L)] // a property's name
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", 0L)] // the trace id: a filter of its own, not words
    [InlineData("worker", 0L)] // the context's thread name
    [InlineData("declined 48151623", 1L)] // message and property together
    public async Task Query_WordsInPropertyOrScopeValues_Found(string q, long expected)
    {
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1, message: "card declined"), """{"OrderId":48151623,"Customer":{"Name":"Zo\u00eb","Tags":["vip",7]},"Amount":1e3,"Fee":2.50}""", null),
            WithStructure(Event(2, message: "request done"), null, """{"scopes":["Request r-77",{"Tenant":"acme","Depth":{"Tenant":"acme"}}],"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","threadName":"worker"}"""),
            WithStructure(Event(3, message: "unrelated"), """{"Note":"nothing here"}""", """{"threadName":"main"}"""),
        ]), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { Search = ThreadedLogging.Collector.Query.SearchTextParser.TryParse(q, out var search, out _) ? search : new SearchTerm(q) });

        Assert.Equal(expected == 0 ? [] : [expected], found.Select(e => e.Sequence!.Value));
    }

    [Theory]
    [InlineData("firstvalue", 0L)] // a name given twice: its earlier value
    [InlineData("lastvalue", 1L)] // and its last
    [InlineData("middle", 1L)] // a value between the two
    [InlineData("innerold", 0L)] // twice in a nested object
    [InlineData("innernew", 1L)]
    [InlineData("objold", 0L)] // an object given first, a string last: none of the object's values
    [InlineData("objnew", 1L)]
    [InlineData("scopeold", 0L)] // twice in a scope
    [InlineData("scopenew", 1L)]
    [InlineData("escold", 0L)] // the same name, once spelled with an escape
    [InlineData("escnew", 2L)]
    [InlineData("7", 2L)] // a number given last
    [InlineData("bigold", 0L)] // twice in an object of 41 names
    [InlineData("bignew", 3L)]
    public async Task Query_NameGivenTwice_OnlyItsLastValueFound(string q, long expected)
    {
        // SQLite indexed every value as sent, so q found the earlier one there and not on PostgreSQL (jsonb keeps the last).
        await Store.AppendAsync(new EventBatch(null, [
            WithStructure(Event(1, message: "one"), """{"A":"firstvalue","B":"middle","A":"lastvalue","Nested":{"X":"innerold","X":"innernew"},"Obj":{"Deep":"objold"},"Obj":"objnew"}""", """{"scopes":[{"S":"scopeold","S":"scopenew"}]}"""),
            WithStructure(Event(2, message: "two"), """{"Order\u0049d":"escold","OrderId":"escnew","N":"eight","N":7}""", null),
            WithStructure(Event(3, message: "three"), "{\"K0\":\"bigold\"," + string.Concat(Enumerable.Range(1, 40).Select(i => $"\"K{i}\":\"k{i}x\",")) + "\"K0\":\"bignew\"}", null),
        ]), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { Words = [q] });

        Assert.Equal(expected == 0 ? [] : [expected], found.Select(e => e.Sequence!.Value));
    }
}
