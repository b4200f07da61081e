using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>The top values (<c>GET /api/events/top</c>): the events a query selects counted by a field's value, on both engines alike.</summary>
public abstract partial class EventStoreContractTests
{
    [Fact]
    public async Task CountByValue_Users_MostEventsFirstTiesByNameNoUserIsNull()
    {
        await Store.AppendAsync(new EventBatch(null, [
            With(Event(1, message: "card declined", level: LogLevel.Error), user: "bob"),
            With(Event(2, message: "card declined"), user: "bob"),
            With(Event(3, message: "card declined", level: LogLevel.Critical), user: "alice"),
            With(Event(4, message: "card declined"), user: "Alice"),
            With(Event(5, message: "card declined"), user: "carol"),
            With(Event(6, message: "card declined"), user: "carol"),
            With(Event(7, message: "card declined"), user: "carol"),
            new NewEvent { Timestamp = T0.AddSeconds(8), Level = LogLevel.Warning, Message = "card declined", App = "App" },
            With(Event(9, message: "login ok", level: LogLevel.Error), user: "dave"),
        ]), CancellationToken.None);

        var users = await Store.CountByValueAsync(new EventQuery { Words = ["declined"] }, EventField.User, 10, CancellationToken.None);

        Assert.Equal(8, users.Total);
        Assert.Equal(5, users.Distinct);
        // "Alice" before "alice" (ordinal: upper case first), no user (null) before both.
        Assert.Equal(
            [new("carol", 3, 0, T0.AddSeconds(7), T0.AddSeconds(5)), new("bob", 2, 1, T0.AddSeconds(2), T0.AddSeconds(1)), new(null, 1, 0, T0.AddSeconds(8), T0.AddSeconds(8)), new("Alice", 1, 0, T0.AddSeconds(4), T0.AddSeconds(4)), new("alice", 1, 1, T0.AddSeconds(3), T0.AddSeconds(3))],
            users.Values);

        var top2 = await Store.CountByValueAsync(new EventQuery { Words = ["declined"] }, EventField.User, 2, CancellationToken.None);
        Assert.Equal(["carol", "bob"], top2.Values.Select(v => v.Value));
        // The event without a user is one of the distinct values, and said apart also when it is not among the top ones.
        Assert.Equal((8L, 5L, 1L), (top2.Total, top2.Distinct, top2.WithoutValue));
        Assert.Equal(1L, users.WithoutValue);
        var named = await Store.CountByValueAsync(new EventQuery { Words = ["login"] }, EventField.User, 1, CancellationToken.None);
        Assert.Equal((1L, 1L, 0L), (named.Total, named.Distinct, named.WithoutValue));
    }

    /// <summary>
    /// "Since which version does this error occur?": each version's oldest and newest event of a kind, by the top values and
    /// by the summary alike (the console's detail reads the summary), the events of other kinds and of the range's outside left out.
    /// </summary>
    [Fact]
    public async Task CountByValueAndSummary_VersionsOfAKind_TheOldestAndNewestEventOfEach()
    {
        NewEvent Declined(long second, string version, string message = "Payment declined") =>
            With(Event(second, message: message, level: LogLevel.Error), user: "u" + second, app: "Shop", version: version);
        await Store.AppendAsync(new EventBatch(null, [
            Declined(1, "2.4.0", "Payment accepted"),
            Declined(2, "2.4.1"),
            Declined(3, "2.5.0"),
            Declined(5, "2.4.1"),
            Declined(7, "2.5.0"),
            Declined(9, "2.5.0"),
            Declined(11, "2.6.0"),
        ]), CancellationToken.None);
        var query = new EventQuery { Template = "Payment declined", To = T0.AddSeconds(10) };

        var top = await Store.CountByValueAsync(query, EventField.Version, 10, CancellationToken.None);
        var summary = await Store.SummarizeAsync(query, new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), [EventField.User, EventField.Version], 10, CancellationToken.None);

        Assert.Equal(
            [("Shop 2.5.0", 3L, T0.AddSeconds(3), T0.AddSeconds(9)), ("Shop 2.4.1", 2L, T0.AddSeconds(2), T0.AddSeconds(5))],
            top.Values.Select(v => (v.Value, v.Count, v.Oldest, v.Newest)));
        Assert.Equal(top.Values, summary.Values[1].Values);
        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(5), T0.AddSeconds(7), T0.AddSeconds(9)], summary.Values[0].Values.Select(v => v.Oldest).Order());
    }

    [Fact]
    public async Task CountByValue_EveryField_UnderTheQuerysFilters()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Valued(1, "Shop", "2.4.1", "PC-1", "Pay", LogLevel.Error),
            Valued(2, "Shop", "2.4.1", "PC-2", "Pay"),
            Valued(3, "Shop", "2.5.0", "PC-2", "Cart", LogLevel.Error),
            Valued(4, "Admin", "2.5.0", "PC-2", null),
            Valued(5, null, null, null, "Pay"),
        ]), CancellationToken.None);

        async Task<(string? Value, long Count, long Errors)[]> Top(EventField field, EventQuery? query = null) =>
            [.. (await Store.CountByValueAsync(query ?? new EventQuery(), field, 10, CancellationToken.None)).Values.Select(v => (v.Value, v.Count, v.Errors))];

        Assert.Equal([("Shop", 3, 2), (null, 1, 0), ("Admin", 1, 0)], await Top(EventField.App));
        // A version is its app's: "2.5.0" of Shop and of Admin are two values.
        Assert.Equal([("Shop 2.4.1", 2, 1), (null, 1, 0), ("Admin 2.5.0", 1, 0), ("Shop 2.5.0", 1, 1)], await Top(EventField.Version));
        Assert.Equal([("PC-2", 3, 1), (null, 1, 0), ("PC-1", 1, 1)], await Top(EventField.Machine));
        Assert.Equal([("Pay", 3, 1), (null, 1, 0), ("Cart", 1, 1)], await Top(EventField.Category));
        Assert.Equal([("Shop 2.4.1", 1, 1), ("Shop 2.5.0", 1, 1)], await Top(EventField.Version, new EventQuery { MinLevel = LogLevel.Error }));
        Assert.Equal([("PC-2", 2, 1)], await Top(EventField.Machine, new EventQuery { App = "Shop", From = T0.AddSeconds(2), To = T0.AddSeconds(4) }));
        Assert.Empty(await Top(EventField.User, new EventQuery { User = "nobody" }));
        var none = await Store.CountByValueAsync(new EventQuery { Words = ["printer"] }, EventField.App, 10, CancellationToken.None);
        Assert.Equal((0L, 0L, 0L), (none.Total, none.Distinct, none.WithoutValue));
        // A version without an app is a value ("2.5.0"); only the events with neither are without one.
        async Task<long> Without(EventField field) => (await Store.CountByValueAsync(new EventQuery(), field, 1, CancellationToken.None)).WithoutValue;
        long[] without = [await Without(EventField.App), await Without(EventField.Version), await Without(EventField.Machine), await Without(EventField.Category), await Without(EventField.Template)];
        Assert.Equal([1L, 1L, 1L, 1L, 0L], without);
    }

    [Fact]
    public async Task CountByValueAndSummary_Version_AppAndVersionApartBesideTheLabel()
    {
        await Store.AppendAsync(new EventBatch(null, [
            Valued(1, "Shop", "2.4.1", "PC-1", null),
            Valued(2, "Shop", "2.4.1", "PC-1", null),
            Valued(3, "Shop", null, null, null), // an app without a version
            Valued(4, null, "1.0", null, null), // a version without an app
            Valued(5, null, null, null, null),
        ]), CancellationToken.None);
        (string? Label, string? App, string? Version)[] expected =
            [("Shop 2.4.1", "Shop", "2.4.1"), (null, null, null), ("1.0", null, "1.0"), ("Shop", "Shop", null)];

        var top = await Store.CountByValueAsync(new EventQuery(), EventField.Version, 10, CancellationToken.None);
        var summary = await Store.SummarizeAsync(new EventQuery(), new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), [EventField.Version, EventField.Machine], 10, CancellationToken.None);

        // What the app and version filters take, so that a console's click on "Shop 2.4.1" lists those events.
        Assert.Equal(expected, top.Values.Select(v => (v.Value, v.App, v.Version)));
        Assert.Equal(expected, summary.Values[0].Values.Select(v => (v.Value, v.App, v.Version)));
        Assert.Equal([2L, 1L, 1L, 1L], top.Values.Select(v => v.Count));
        // Other fields' values are their own: no app or version apart.
        Assert.Equal([(null, null, null), ("PC-1", null, null)], summary.Values[1].Values.Select(v => (v.Value, v.App, v.Version)));
    }

    private static NewEvent Valued(long sequence, string? app, string? version, string? machine, string? category, LogLevel level = LogLevel.Information) =>
        new() { Timestamp = T0.AddSeconds(sequence), Level = level, Message = $"event {sequence}", App = app, Version = version, Machine = machine, Category = category, Sequence = sequence };
}
