using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The events sent without an app, a version or a machine (<c>noApp</c>, <c>noVersion</c>, <c>noMachine</c>): those the
/// top values count as "(none)", and only those, alone or with the other filters.
/// </summary>
public abstract partial class EventStoreContractTests
{
    [Fact]
    public async Task Query_NoAppNoVersionNoMachine_EventsSentWithoutOneOnly()
    {
        static NewEvent Sent(long sequence, string? app, string? version, string? machine) => new()
        {
            Timestamp = T0.AddSeconds(sequence),
            Level = LogLevel.Information,
            Category = "Test",
            Message = $"event {sequence}",
            App = app,
            Version = version,
            Machine = machine,
            Sequence = sequence,
        };
        await Store.AppendAsync(new EventBatch(null, [
            Sent(1, "Shop", "2.4.1", "PC-1"), Sent(2, "Shop", null, "PC-1"), Sent(3, null, null, null), Sent(4, null, "2.4.1", "PC-2"), Sent(5, "Admin", null, null),
        ]), CancellationToken.None);

        async Task<long[]> Sequences(EventQuery query) => [.. (await QueryAsync(query)).Select(e => e.Sequence!.Value)];

        Assert.Equal(new long[] { 4, 3 }, await Sequences(new() { NoApp = true }));
        Assert.Equal(new long[] { 5, 3, 2 }, await Sequences(new() { NoVersion = true }));
        Assert.Equal(new long[] { 5, 3 }, await Sequences(new() { NoMachine = true }));
        Assert.Equal(new long[] { 5 }, await Sequences(new() { App = "Admin", NoVersion = true })); // the top versions' "Admin": an app without a version
        Assert.Equal(new long[] { 3 }, await Sequences(new() { NoApp = true, NoVersion = true })); // the top versions' "(none)"
        Assert.Equal(new long[] { 4 }, await Sequences(new() { NoApp = true, Version = "2.4.1" }));
        Assert.Equal(new long[] { 3 }, await Sequences(new() { NoMachine = true, Words = ["event", "3"] }));

        var page = await Store.QueryAsync(new EventQuery { NoVersion = true, Limit = 2 }, CancellationToken.None);
        var rest = await Store.QueryAsync(new EventQuery { NoVersion = true, Limit = 2, Before = page.Next }, CancellationToken.None);
        Assert.Equal([5L, 3L, 2L], page.Events.Concat(rest.Events).Select(e => e.Sequence!.Value));
    }
}
