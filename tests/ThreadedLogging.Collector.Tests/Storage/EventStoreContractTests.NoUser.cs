using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The events without a user (the users list's "(no user)"): no user name or an empty one, never a user's.</summary>
public abstract partial class EventStoreContractTests
{
    [Fact]
    public async Task Query_NoUser_EventsWithoutAUserOrWithAnEmptyNameOnly()
    {
        var none = Event(1);
        await Store.AppendAsync(new EventBatch(null, [
            new NewEvent { Timestamp = none.Timestamp, Level = none.Level, Message = "no user", Sequence = 1 },
            With(Event(2), user: string.Empty),
            With(Event(3), user: "(no user)"),
            With(Event(4), user: "alice"),
        ]), CancellationToken.None);
        await Store.AppendAsync(new EventBatch(null, [new NewEvent { Timestamp = T0.AddMinutes(1), Level = none.Level, Message = "no user later", Sequence = 5 }]), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { NoUser = true });
        var page = await Store.QueryAsync(new EventQuery { NoUser = true, Limit = 1 }, CancellationToken.None);
        var rest = await Store.QueryAsync(new EventQuery { NoUser = true, Limit = 5, Before = page.Next }, CancellationToken.None);
        var withWords = await QueryAsync(new EventQuery { NoUser = true, Words = ["later"] });

        Assert.Equal([5L, 2L, 1L], found.Select(e => e.Sequence!.Value));
        Assert.Equal([5L, 2L, 1L], page.Events.Concat(rest.Events).Select(e => e.Sequence!.Value));
        Assert.Equal(5L, Assert.Single(withWords).Sequence);
    }

    [Fact]
    public async Task Append_EmptyUserName_ReadBackAsNoUser()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: string.Empty)]), CancellationToken.None);

        // One form for "no user" (schema version 8): what the list and the export show, and what noUser finds.
        Assert.Null(Assert.Single(await QueryAsync(new EventQuery())).User);
        Assert.Empty(await QueryAsync(new EventQuery { User = string.Empty }));
    }

    /// <summary>A copy of <paramref name="e"/> without a user.</summary>
    private protected static NewEvent WithoutUser(NewEvent e) => new()
    {
        Timestamp = e.Timestamp,
        Level = e.Level,
        Category = e.Category,
        Message = e.Message,
        App = e.App,
        Machine = e.Machine,
        Path = e.Path,
        Sequence = e.Sequence,
    };
}
