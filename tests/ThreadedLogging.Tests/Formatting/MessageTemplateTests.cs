using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Formatting;

/// <summary>The worker renders messages later from captured values; they must read as MEL's own formatter writes them.</summary>
public sealed class MessageTemplateTests
{
    public static TheoryData<string, object?[]> Cases => new()
    {
        { "plain text", [] },
        { "Paid {Employee} {Amount}", ["alice", 1200.5m] },
        { "{A:0.00} {B,6}|{C,-4}|", [3.14159, 42, "x"] },
        { "null {Value} and {{braces}}", [null] },
        { "list {Items}", [new[] { 1, 2, 3 }] },
        { "date {When:yyyy-MM-dd}", [new DateTime(2026, 11, 24)] },
        { "missing {One} {Two}", ["only one"] },
        { "nulls in {Items}", [new object?[] { "a", null }] },
        { "{{{X}}} triple", [7] },
        { "[{X,-8:F1}|{Y,6:0.0}]", [2.25, 1200.5m] },
        { "{First}{Second}", [1L, new Guid("0f8fad5b-d9cb-469f-a165-70867728950e")] },
        { "{A} and {A} again", [1, 2] },
        { "{0} then {1}", ["zero", "one"] },

        // A collection in a collection: MEL writes the inner one's text (its type's name), not its items.
        { "jagged {Rows}", [new[] { new[] { 1, 2 }, [3] }] },
        { "frames {Frames}", [new List<byte[]> { new byte[] { 0xDE, 0xAD } }] },
        { "segments {Parts}", [new[] { new ArraySegment<byte>([1, 2]) }] },
        { "memories {Parts}", [new[] { new ReadOnlyMemory<byte>([1, 2, 3]) }] },
        { "mixed {Items}", [new object?[] { null, "x", 1.5, new List<int> { 1 }, new HashSet<string> { "a" }, new Dictionary<string, int> { ["k"] = 1 } }] },
        { "by key {Map}", [new Dictionary<string, int[]> { ["a"] = [1, 2], ["b"] = [] }] },
        { "null entry {Map}", [new Dictionary<string, object?> { ["a"] = null, ["b"] = 2 }] },
        { "nested maps {Map}", [new Dictionary<string, Dictionary<string, int>> { ["outer"] = new() { ["inner"] = 1 } }] },
        { "own text {Items}", [new[] { new Labelled() }] },
        { "empty inner {Rows}", [new[] { Array.Empty<int>() }] },
    };

    [Fact]
    public void Render_StateListsOtherPairsFirst_HolesFilledByName()
    {
        // The shape of Microsoft.Extensions.Telemetry's enriched state: the enricher's tags, then the call's values.
        Assert.Equal("Paid alice 12.5", MessageTemplate.Render("Paid {Employee} {Amount}", [new("Environment", "Prod"), new("Amount", 12.5m), new("Employee", "alice")]));
        Assert.Equal("[x,    7]", MessageTemplate.Render("[{X},{N,5}]", [new("Tag", 1), new("N", 7), new("X", "x")]));
    }

    [Fact]
    public void Render_NoValueOfTheHolesName_ByPositionAsBefore()
    {
        Assert.Equal("a 1 b 2", MessageTemplate.Render("a {X} b {Y}", [new("p", 1), new("q", 2)]));
        Assert.Equal("a 1 b {Y}", MessageTemplate.Render("a {X} b {Y}", [new("p", 1)]));
    }

    [Fact]
    public void Render_TemplateMelWouldRefuse_KeepsTheOddBracesAsWritten()
    {
        // MEL throws on these; a state of another library may still carry them as {OriginalFormat}.
        Assert.Equal("a } b x c", MessageTemplate.Render("a } b {X} c", [new("X", "x")]));
        Assert.Equal("open x and {unclosed", MessageTemplate.Render("open {X} and {unclosed", [new("X", "x")]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_SameValues_MatchesMelFormatter(string template, object?[] args)
    {
        string? expected = null;
        IReadOnlyList<KeyValuePair<string, object?>>? state = null;
        var capture = new CapturingLogger((s, text) => { state = s; expected = text; });
        if (args.Length == 1 && template.Contains("{Two}", StringComparison.Ordinal))
        {
            // MEL itself throws on too few arguments; ours leaves the hole as written.
            Assert.Equal("missing only one {Two}", MessageTemplate.Render(template, [new("One", "only one")]));
            return;
        }

        capture.LogInformation(template, args);
        var properties = state!.Where(p => p.Key != "{OriginalFormat}").Select(p => new KeyValuePair<string, object?>(p.Key, ValueFreezer.Freeze(p.Value))).ToList();
        Assert.Equal(expected, MessageTemplate.Render(template, properties));
    }

    /// <summary>A collection with a text of its own, which MEL writes for it as an item.</summary>
    private sealed class Labelled : List<int>
    {
        public override string ToString() => "labelled list";
    }

    private sealed class CapturingLogger(Action<IReadOnlyList<KeyValuePair<string, object?>>, string> onLog) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            onLog((IReadOnlyList<KeyValuePair<string, object?>>)state!, formatter(state, exception));
    }
}
