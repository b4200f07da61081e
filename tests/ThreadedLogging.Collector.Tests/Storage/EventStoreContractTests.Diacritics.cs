using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Full text ignores diacritics as SQLite's FTS5 (unicode61, remove_diacritics 1) does, on every store: a Latin letter
/// with one diacritic is its base letter, in the text and in the query, composed or decomposed; a letter with two
/// diacritics and letters such as ß, æ, ø are letters of their own (docs/QUERY.md).
/// </summary>
public abstract partial class EventStoreContractTests
{
    /// <summary>Accented, plain, decomposed and upper-case text; accents in an exception; letters FTS5 does not fold.</summary>
    private protected static NewEvent[] DiacriticEvents() =>
    [
        Event(1, message: "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e served"),
        Event(2, message: "cafe creme brulee served"),
        Event(3, message: "CAFE\u0301 CRE\u0300ME"),
        With(Event(4, message: "payment failed"), exception: """{"type":"InvalidOperationException","message":"Besan\u00e7on r\u00e9sum\u00e9"}"""),
        Event(5, message: "stra\u00dfe \u00e6r\u00f8 \u01d6ber"),
    ];

    [Theory]
    [InlineData("cafe", new long[] { 1, 2, 3 })]
    [InlineData("caf\u00e9", new long[] { 1, 2, 3 })]
    [InlineData("CAF\u00c9", new long[] { 1, 2, 3 })]
    [InlineData("cafe\u0301", new long[] { 1, 2, 3 })]
    [InlineData("caf*", new long[] { 1, 2, 3 })]
    [InlineData("caf\u00e9*", new long[] { 1, 2, 3 })]
    [InlineData("\"cr\u00e8me br\"*", new long[] { 1, 2 })]
    [InlineData("\"creme brulee\"", new long[] { 1, 2 })]
    [InlineData("\"caf\u00e9 cr\u00e8me\"", new long[] { 1, 2, 3 })]
    [InlineData("\"brul\u00e9e served\"", new long[] { 1, 2 })]
    [InlineData("besancon", new long[] { 4 })]
    [InlineData("R\u00e9sum\u00e9", new long[] { 4 })]
    [InlineData("stra\u00dfe", new long[] { 5 })]
    [InlineData("strasse", new long[0])]
    [InlineData("\u00e6r\u00f8", new long[] { 5 })]
    [InlineData("aero", new long[0])]
    [InlineData("\u01d6ber", new long[] { 5 })]
    [InlineData("uber", new long[0])]
    public async Task Query_WordsWithOrWithoutDiacritics_FoundEitherWay(string word, long[] expected)
    {
        await Store.AppendAsync(new EventBatch(null, DiacriticEvents()), CancellationToken.None);

        var found = await QueryAsync(new EventQuery { Words = [word] });

        Assert.Equal(expected.Reverse(), found.Select(e => e.Sequence!.Value));
    }
}
