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

        var found = await QueryAsync(new EventQuery { Words = ThreadedLogging.Collector.Query.SearchTextParser.TryParse(q, out var words, out _) ? words : [q] });

        Assert.Equal(expected == 0 ? [] : [expected], found.Select(e => e.Sequence!.Value));
    }
}
