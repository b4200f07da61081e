using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Trace correlation: the events of one trace, whoever and whichever app logged them (the <c>traceId</c> filter).</summary>
public abstract partial class EventStoreContractTests
{
    private const string TraceA = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string TraceB = "00f067aa0ba902b7a3ce929d0e0e4736";

    /// <summary><paramref name="e"/> in trace <paramref name="traceId"/> (as ingest stores it: in the context and its column).</summary>
    private protected static NewEvent Traced(NewEvent e, string? traceId, string? user = null, string? app = null) =>
        With(e, user: user, app: app, context: traceId is null ? null : $$"""{"traceId":"{{traceId}}"}""", traceId: traceId);

    [Fact]
    public async Task Query_TraceId_EveryEventOfTheTraceAcrossUsersAndAppsNewestFirst()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Traced(Event(1), TraceA, user: "alice", app: "Web"),
            Traced(Event(2), TraceB, user: "alice", app: "Web"),
            Traced(Event(3), TraceA, user: "bob", app: "Billing"),
            Traced(Event(4), null, user: "bob", app: "Billing"),
        ]), CancellationToken.None);
        await Store.AppendAsync(new EventBatch(null, [Traced(Event(5, level: LogLevel.Error), TraceA, user: "carol", app: "Payments")]), CancellationToken.None);

        var trace = await QueryAsync(new EventQuery { TraceId = TraceA });
        var firstPage = await Store.QueryAsync(new EventQuery { TraceId = TraceA, Limit = 2 }, CancellationToken.None);
        var secondPage = await Store.QueryAsync(new EventQuery { TraceId = TraceA, Limit = 2, Before = firstPage.Next }, CancellationToken.None);
        var ofBob = await QueryAsync(new EventQuery { TraceId = TraceA, User = "BOB" });
        var errors = await QueryAsync(new EventQuery { TraceId = TraceA, MinLevel = LogLevel.Error });
        var unknown = await QueryAsync(new EventQuery { TraceId = "0af7651916cd43dd8448eb211c80319c" });

        Assert.Equal([5L, 3L, 1L], trace.Select(e => e.Sequence!.Value));
        Assert.Equal(["alice", "bob", "carol"], trace.Select(e => e.User).Order());
        Assert.Equal([5L, 3L, 1L], firstPage.Events.Concat(secondPage.Events).Select(e => e.Sequence!.Value));
        Assert.Null(secondPage.Next);
        Assert.Equal(3L, Assert.Single(ofBob).Sequence);
        Assert.Equal(5L, Assert.Single(errors).Sequence);
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Query_TraceIdWithWords_MatchesBoth()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Traced(Event(1, message: "card declined"), TraceA),
            Traced(Event(2, message: "card accepted"), TraceA),
            Traced(Event(3, message: "card declined"), TraceB),
        ]), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { TraceId = TraceA, Words = ["declined"] });

        Assert.Equal(1L, Assert.Single(found).Sequence);
    }
}
