using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The <c>version</c> filter, the same on every store: exact and case-sensitive, SemVer's build metadata ignored when the
/// filter has none (<c>1.0.0</c> finds <c>1.0.0+3f2a9c1</c>, the .NET SDK's default version of a git checkout), never a
/// prefix otherwise (<c>1.0</c> is not <c>1.0.0</c>, <c>1.0.0</c> not <c>1.0.0-beta</c>).
/// </summary>
public abstract partial class EventStoreContractTests
{
    private async Task AppendVersionEventsAsync() =>
        await Store.AppendAsync(new EventBatch(null, [
            With(Event(1), app: "Shop", version: "1.0.0"),
            With(Event(2), app: "Shop", version: "1.0.0+3f2a9c1"),
            With(Event(3), app: "Shop", version: "1.0.0-beta"),
            With(Event(4), app: "Shop", version: "1.0.01"),
            With(Event(5), app: "Billing", version: "1.0.0"),
            With(Event(6), app: "Shop", version: "1.0.0,1"), // ',' follows '+' in byte order: the end of SQLite's range of builds
            With(Event(7), app: "Shop", version: "1.0.0-BETA+9"),
            With(Event(8), app: "Shop", version: "1.0.0*"),
            Event(9), // no version
            With(Event(10), app: "Billing", version: "1.0.0+3f2a9c1.dirty"),
        ]), CancellationToken.None);

    [Theory]
    [InlineData("1.0.0", null, new long[] { 1, 2, 5, 10 })] // itself and its builds, of every app
    [InlineData("1.0.0+3f2a9c1", null, new long[] { 2 })] // build metadata given: exactly that one
    [InlineData("1.0.0", "Shop", new long[] { 1, 2 })] // with the app
    [InlineData("1.0.0+3f2a9c1", "Billing", new long[0])]
    [InlineData("1.0", null, new long[0])] // never a prefix of another version
    [InlineData("1.0.0-beta", null, new long[] { 3 })]
    [InlineData("1.0.0-BETA", null, new long[] { 7 })] // case-sensitive, builds still found
    [InlineData("1.0.0-Beta", null, new long[0])]
    [InlineData("1.0.0*", null, new long[] { 8 })] // '*' is a character
    [InlineData("1.0.0,1", null, new long[] { 6 })]
    [InlineData("2.0.0", null, new long[0])]
    public async Task Query_Version_ItselfAndItsBuilds(string version, string? app, long[] expected)
    {
        await AppendVersionEventsAsync();

        var found = await QueryAsync(new EventQuery { Version = version, App = app });

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
    }

    /// <summary>exactVersion=true: the version alone, its builds not (a top version's button: the events its count is of).</summary>
    [Theory]
    [InlineData("1.0.0", null, new long[] { 1, 5 })]
    [InlineData("1.0.0", "Shop", new long[] { 1 })]
    [InlineData("1.0.0+3f2a9c1", null, new long[] { 2 })] // exact already
    [InlineData("1.0.0-BETA", null, new long[0])]
    public async Task Query_ExactVersion_ItselfOnly(string version, string? app, long[] expected)
    {
        await AppendVersionEventsAsync();

        var found = await QueryAsync(new EventQuery { Version = version, App = app, ExactVersion = true });
        var counted = await Store.CountByTimeAsync(new EventQuery { Version = version, App = app, ExactVersion = true }, new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), CancellationToken.None);

        Assert.Equal(expected, found.Select(e => e.Sequence!.Value).Order());
        Assert.Equal(expected.Length, counted.Sum(c => c.Count));
    }

    [Fact]
    public async Task CountsAndTopValues_Version_OnlyItsEvents()
    {
        await AppendVersionEventsAsync();
        var query = new EventQuery { Version = "1.0.0" };

        // User u0: the even sequences (2, 10), read from the user's index on SQLite.
        var ofUser = await QueryAsync(query with { User = "u0" });
        var counts = await Store.CountByTimeAsync(query, new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), CancellationToken.None);
        var versions = await Store.CountByValueAsync(query, EventField.Version, 10, CancellationToken.None);
        var summary = await Store.SummarizeAsync(query with { User = "u0" }, new TimeBuckets(T0, TimeSpan.FromSeconds(20), 1), [EventField.Version], 10, CancellationToken.None);

        Assert.Equal([2L, 10L], ofUser.Select(e => e.Sequence!.Value).Order());
        Assert.Equal(4, counts.Sum(c => c.Count));
        Assert.Equal(
            ["Billing 1.0.0", "Billing 1.0.0+3f2a9c1.dirty", "Shop 1.0.0", "Shop 1.0.0+3f2a9c1"],
            versions.Values.Select(v => v.Value).Order(StringComparer.Ordinal));
        Assert.Equal(["Billing 1.0.0+3f2a9c1.dirty", "Shop 1.0.0+3f2a9c1"], Assert.Single(summary.Values).Values.Select(v => v.Value).Order(StringComparer.Ordinal));
    }
}
