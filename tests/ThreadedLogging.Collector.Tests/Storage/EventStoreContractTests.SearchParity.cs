using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Full text gives the same answer on every store (docs/QUERY.md, "q"): phrases, prefixes, words split between the
/// message, the exception and the properties (a phrase stays within one; PostgreSQL's ran across, schema version 9),
/// case, punctuation, scripts, very long words (PostgreSQL left them out), operators quoted or in lower case (words) and
/// property names with dots. The text goes through <see cref="SearchTextParser"/> as <c>q</c> does.
/// </summary>
public abstract partial class EventStoreContractTests
{
    private static readonly string LongWord = new('w', 3000);

    private protected static NewEvent[] ParityEvents() =>
    [
        WithStructure(Event(1, message: "invoice rejected by bank"), """{"order.id":"ord-77","Customer":"Acme Corp"}""", null),
        WithStructure(Event(2, message: "invoice"), """{"Reason":"rejected by bank"}""", null),
        With(Event(3, message: "payment rejected"), exception: """{"type":"System.IO.IOException","message":"disk full","stackTrace":"at Pay.Run()"}"""),
        WithStructure(Event(4, message: "first part"), """{"A":"alpha beta","B":"gamma delta"}""", null),
        Event(5, message: "Résumé-2026_final.pdf was not-found; e-mail: ann@example.com"),
        Event(6, message: "long " + LongWord + " end"),
        Event(7, message: "ÉCOLE École ecole"),
        WithStructure(Event(8, message: "dotted"), """{"user.name":"zed","http.status":503}""", null),
        Event(9, message: "-negated word and NOT this OR that"),
        With(Event(10, message: "trailing"), exception: """{"type":"KeyError","message":"k","text":"Traceback\n  File \"pay.py\", line 3\nKeyError: 'k'"}"""),
        Event(11, message: "STRA\u1E9EE \u039F\u0394\u039F\u03A3 \u4E2D\u6587\u6D4B\u8BD5 caf\u00E9\uD83D\uDE00bar ma\u00F1ana_x"),
        // Values the rendered message holds as words (SQLite indexes them once, in the message), values it holds only
        // inside a word ("ship" in "shipped", "77" in "770"), a value with an escape, and one it does not hold at all.
        WithStructure(
            Event(12, message: "Order 77 shipped to customer-42 (770 units), status Ready"),
            """{"N":77,"Customer":"customer-42","Verb":"ship","Units":"7","Status":"Re\u0061dy","Note":"kappa lambda","Count":1e1}""",
            null),
    ];

    [Theory]
    [InlineData("\"invoice rejected\"", new long[] { 1 })] // a phrase within the message; event 2 has its words in two parts
    [InlineData("invoice rejected", new long[] { 1, 2 })] // words anywhere
    [InlineData("\"rejected by bank\"", new long[] { 1, 2 })] // event 2: within a property value
    [InlineData("\"by bank\"", new long[] { 1, 2 })] // a phrase within one property value
    [InlineData("\"beta gamma\"", new long[] { 4 })] // one property value into the next (keys A, B: one order in both stores)
    [InlineData("\"alpha beta\"", new long[] { 4 })]
    [InlineData("\"part alpha\"", new long[0])] // the message's end and a property's start
    [InlineData("\"rejected system\"", new long[0])] // the message's end and the exception's start
    [InlineData("\"io ioexception\"", new long[] { 3 })]
    [InlineData("\"ioexception disk\"", new long[] { 3 })] // the exception's type and its message
    [InlineData("System.IO.IOException", new long[] { 3 })]
    [InlineData("inv*", new long[] { 1, 2 })]
    [InlineData("\"invoice rej\"*", new long[] { 1 })]
    [InlineData("\"part al\"*", new long[0])]
    [InlineData("INVOICE", new long[] { 1, 2 })]
    [InlineData("resume", new long[] { 5 })]
    [InlineData("\"resume 2026 final pdf\"", new long[] { 5 })]
    [InlineData("resumé-2026", new long[] { 5 })]
    [InlineData("not-found", new long[] { 5 })]
    [InlineData("\"not found\"", new long[] { 5 })]
    [InlineData("ann@example.com", new long[] { 5 })]
    [InlineData("example", new long[] { 5 })]
    [InlineData("e-mail", new long[] { 5 })]
    [InlineData("final_pdf", new long[] { 5 })] // '_' separates as '.' does
    [InlineData("ww*", new long[] { 6 })] // a prefix of a 3000-letter word
    [InlineData("\"long ww\"*", new long[] { 6 })]
    [InlineData("\"long www\"", new long[0])]
    [InlineData("\"long end\"", new long[0])] // the long word lies between them
    [InlineData("end", new long[] { 6 })]
    [InlineData("école", new long[] { 7 })]
    [InlineData("ÉCOLE", new long[] { 7 })]
    [InlineData("\"ecole ecole ecole\"", new long[] { 7 })]
    [InlineData("zed", new long[] { 8 })]
    [InlineData("503", new long[] { 8 })]
    [InlineData("user.name", new long[0])] // a property's name, dots and all
    [InlineData("name", new long[0])]
    [InlineData("http", new long[0])]
    [InlineData("\"-negated\"", new long[] { 9 })] // quoted, '-' is punctuation, not NOT
    [InlineData("word-and", new long[] { 9 })] // inside a word too
    [InlineData("word -missing", new long[] { 9 })] // before a word, it excludes
    [InlineData("word -negated", new long[0])]
    [InlineData("\"NOT this\"", new long[] { 9 })] // quoted operators are words
    [InlineData("not this", new long[] { 9 })] // and so are lower-case ones
    [InlineData("this or zzz", new long[0])]
    [InlineData("this OR zzz", new long[] { 9 })]
    [InlineData("\"pay py\"", new long[] { 10 })]
    [InlineData("\"line 3 keyerror\"", new long[] { 10 })]
    [InlineData("stra\u00DFe", new long[] { 11 })] // capital sharp s is the lower-case one's capital
    [InlineData("\u03BF\u03B4\u03BF\u03C3", new long[] { 11 })] // Greek, upper case in the text
    [InlineData("\u4E2D\u6587\u6D4B\u8BD5", new long[] { 11 })] // a run of CJK letters is one word
    [InlineData("\u4E2D\u6587*", new long[] { 11 })]
    [InlineData("\"cafe bar\"", new long[] { 11 })] // an emoji separates words
    [InlineData("manana", new long[] { 11 })]
    [InlineData("77 shipped customer-42", new long[] { 12 })]
    [InlineData("\"customer 42\"", new long[] { 12 })] // a value held in the message, as a phrase
    [InlineData("ship", new long[] { 12 })] // a value the message holds only inside "shipped"
    [InlineData("7", new long[] { 12 })] // only inside "77" and "770"
    [InlineData("ready", new long[] { 12 })]
    [InlineData("\"kappa lambda\"", new long[] { 12 })]
    [InlineData("10", new long[] { 12 })] // 1e1 as jsonb writes it
    [InlineData("\"77 shipped\"", new long[] { 12 })]
    public async Task Query_SameSearchOnEveryStore_SameEvents(string q, long[] expected)
    {
        await Store.AppendAsync(new EventBatch(null, ParityEvents()), CancellationToken.None);
        Assert.True(SearchTextParser.TryParse(q, out var search, out var error), error);

        var found = await QueryAsync(new EventQuery { Search = search });

        Assert.Equal(expected.Reverse(), found.Select(e => e.Sequence!.Value));
    }
}
