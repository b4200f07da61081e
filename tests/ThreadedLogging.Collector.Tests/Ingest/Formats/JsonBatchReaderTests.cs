using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.JsonBatch;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Fuzz;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// The one-pass JsonBatch reader (<see cref="JsonBatchParser"/> over a <see cref="Utf8JsonReader"/>, issue 14) where a reader
/// is easy to get wrong: escaped names, numbers at the edges, nesting, duplicate keys, refusals in the order of a
/// whole-document parse, a body in segments cut anywhere, truncated bodies and trailing garbage.
/// </summary>
public sealed partial class JsonBatchReaderTests
{
    /// <summary>A small batch with what splits badly: escapes, multi-byte characters, numbers, nesting, an exception, the identity after the events.</summary>
    private const string SmallBatch = """
        {"batchId":"b-1","app":"Pay\u0072oll","events":[{"timestamp":"2026-12-01T11:59:00.5+01:00","level":"Warning","category":"Pay.€","template":"Paid {Who} {Amount}",
        "message":"Paid \"ål\\ice\" 12.5","properties":{"Who":"ål\\ice","Amount":12.5,"N":[1,-0,9223372036854775807,{"x":null}]},"sequence":-9223372036854775808,
        "threadId":7,"threadName":"w𝄞"},{"message":"second","exception":"boom\nat X","scopes":["s",{"k":true}],"eventId":3,"traceId":"0AF7651916CD43DD8448EB211C80319C"}],
        "user":"carol"}
        """;

    [Fact]
    public void ParseEnvelope_EscapedPropertyNames_ReadAsTheirNames()
    {
        var events = Decode("""{"\u0065vents":[{"\u006dessage":"m","\u0061pp":"\u0041","le\u0076el":"Error","\u0040t":"x"}],"us\u0065r":"u"}""");

        var e = Assert.Single(events);
        Assert.Equal(("m", "A", LogLevel.Error, "u"), (e.Message, e.App, e.Level, e.User));
    }

    [Fact]
    public void ParseEnvelope_EscapedNameLongerThanAnyKnownName_IsAnotherField()
    {
        var padded = string.Concat(Enumerable.Repeat("\\u0020", 20));
        var e = Assert.Single(Decode($$"""{"events":[{"message":"m","level{{padded}}":"Error"}]}"""));

        Assert.Equal(LogLevel.Information, e.Level);
    }

    [Theory]
    [InlineData("9223372036854775807", 9223372036854775807L)]
    [InlineData("-9223372036854775808", -9223372036854775808L)]
    [InlineData("-0", 0L)]
    public void ParseEnvelope_IntegerAtTheEdges_Kept(string written, long expected)
    {
        Assert.Equal(expected, Assert.Single(Decode($$"""{"events":[{"message":"m","sequence":{{written}}}]}""")).Sequence);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("\"5\"")]
    public void ParseEnvelope_NotAWholeInt64_RefusedNamingTheField(string written)
    {
        var refused = Refused($$"""{"events":[{"message":"m"},{"message":"m","sequence":{{written}}}]}""");

        Assert.Equal((400, "event 1: 'sequence' must be an integer"), refused);
    }

    [Fact]
    public void ParseEnvelope_DoubleAtItsEdges_KeptAsWrittenInProperties()
    {
        const string properties = """{"Max":1.7976931348623157E+308,"Tiny":5E-324,"Big":123456789012345678901234567890,"Neg":-0.0}""";

        Assert.Equal(properties, Assert.Single(Decode($$"""{"events":[{"message":"m","properties":{{properties}}}]}""")).PropertiesJson);
    }

    [Theory]
    [InlineData("Verbose", LogLevel.Trace)]
    [InlineData("fatal", LogLevel.Critical)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData(" inf ", LogLevel.Information)]
    [InlineData("4", LogLevel.Error)]
    [InlineData("Fail", LogLevel.Error)]
    public void ParseEnvelope_LevelSpelling_Accepted(string level, LogLevel expected)
    {
        Assert.Equal(expected, Assert.Single(Decode($$"""{"events":[{"message":"m","level":"{{level}}"}]}""")).Level);
    }

    [Theory]
    [InlineData("\"Eror\"")]
    [InlineData("6")]
    [InlineData("5.0")]
    [InlineData("true")]
    public void ParseEnvelope_UnknownLevel_RefusalListsEverySpellingAccepted(string level)
    {
        var (status, reason) = Refused($$"""{"events":[{"message":"m","level":{{level}}}]}""");

        Assert.Equal((400, $"event 0: 'level' must be {LevelNames.Accepted}"), (status, reason));
        Assert.Contains("Verbose", reason, StringComparison.Ordinal);
        Assert.Contains("Fatal", reason, StringComparison.Ordinal);
        Assert.Contains("Warn", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LevelNamesAccepted_EveryNameItLists_IsAccepted()
    {
        var names = LevelName().Matches(LevelNames.Accepted).Select(m => m.Value).Except(["or", "in", "any", "case", "to"]).ToList();

        Assert.True(names.Count >= 17, string.Join(", ", names));
        Assert.All(names, name => Assert.True(LevelNames.TryParse(name, out _), name));
        Assert.All(names, name => Assert.True(LevelNames.TryParse(name.ToLowerInvariant(), out _), name));
        Assert.All(Enumerable.Range(0, 6), n => Assert.True(LevelNames.TryParse(n.ToString(System.Globalization.CultureInfo.InvariantCulture), out _)));
    }

    [Fact]
    public void ParseEnvelope_NestingToTheLimit_KeptAndOneDeeperRefused()
    {
        // The envelope, events and the event are 3 levels: 61 arrays in 'properties' reach the limit of 64.
        static string Nested(int depth) => """{"events":[{"message":"m","properties":{"a":""" + new string('[', depth - 1) + new string(']', depth - 1) + "}}]}";

        Assert.Equal($"{{\"a\":{new string('[', 60)}{new string(']', 60)}}}", Assert.Single(Decode(Nested(61))).PropertiesJson);
        Assert.Equal(
            (400, "malformed JSON (body): The maximum configured depth of 64 has been exceeded. Cannot read next JSON array. LineNumber: 0 | BytePositionInLine: 104."),
            Refused(Nested(62)));
    }

    [Fact]
    public void ParseEnvelope_DuplicateKeys_LastWins()
    {
        var e = Assert.Single(Decode("""{"app":"A","events":[{"message":"first","message":"second","level":"Error","level":"Debug"}],"app":"B"}"""));

        Assert.Equal(("second", LogLevel.Debug, "B"), (e.Message, e.Level, e.App));
    }

    [Fact]
    public void ParseEnvelope_SecondEventsArray_OnlyItIsRead()
    {
        Assert.Equal("ok", Assert.Single(Decode("""{"events":[1,{"level":"bad"}],"events":[{"message":"ok"}]}""")).Message);
        Assert.Equal((400, "field 'events' must be an array"), Refused("""{"events":[{"message":"ok"}],"events":{}}"""));
    }

    [Theory]
    [InlineData("""{"events":[{"level":"bad"}],"app":1}""", 400, "'app' must be a string")]
    [InlineData("""{"events":[{"level":"bad"}],"batchId":1}""", 400, "'batchId' must be a string")]
    [InlineData("""{"events":[{"level":"bad"}]} x""", 400, "malformed JSON (body): 'x' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 29.")]
    [InlineData("""{"events":[{"level":"bad"},{}]""", 400, "malformed JSON (body): Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 30.")]
    [InlineData("""{"events":[1,{"level":"bad"}]}""", 400, "event 0 is not a JSON object")]
    public void ParseEnvelope_SeveralFaults_RefusedForTheOneAWholeDocumentParseMeetsFirst(string body, int status, string reason)
    {
        Assert.Equal((status, reason), Refused(body));
    }

    [Fact]
    public void ParseEnvelope_TooManyEventsAfterABadOne_RefusedForTheCount()
    {
        var limits = new IngestLimits(new CollectorOptions { MaxEventsPerBatch = 2 }, FuzzHarness.Now);

        var refused = Assert.Throws<IngestRejectedException>(() => Parse("""{"events":[{"level":"bad"},{},{}]}""", limits));

        Assert.Equal((413, "batch has 3 events or more; the limit is 2 (Collector:MaxEventsPerBatch)"), (refused.StatusCode, refused.Message));
    }

    [Theory]
    [InlineData("""{"events":[]} x""", "'x' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 14.")]
    [InlineData("""{"events":[]}{}""", "'{' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 13.")]
    [InlineData("""{"events":[{"message":"a"}]},""", "',' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 28.")]
    public void ParseEnvelope_TrailingGarbage_Refused(string body, string reason)
    {
        Assert.Equal((400, "malformed JSON (body): " + reason), Refused(body));
    }

    [Fact]
    public void ParseEnvelope_SplitAtEveryByte_SameRowsAsOneBuffer()
    {
        var body = Encoding.UTF8.GetBytes(SmallBatch);
        var expected = Rows(Parse(new ReadOnlySequence<byte>(body)));
        Assert.Contains("\"Machine\":null", expected, StringComparison.Ordinal);

        for (var cut = 0; cut <= body.Length; cut++)
        {
            Assert.True(expected == Rows(Parse(BufferSegments.Split(body, cut))), $"cut at {cut}");
            Assert.True(expected == Rows(Parse(BufferSegments.Split(body, cut / 2, cut, cut, Math.Min(body.Length, cut + 3)))), $"cuts at {cut / 2}, {cut}, {cut}, {cut + 3}");
        }
    }

    [Fact]
    public void ParseEnvelope_SmallBatchRows_AsWritten()
    {
        var events = Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(SmallBatch))).Events;

        Assert.Equal(2, events.Count);
        var first = events[0];
        Assert.Equal(("Payroll", "carol", "Pay.€", "Paid \"ål\\ice\" 12.5", LogLevel.Warning), (first.App, first.User, first.Category, first.Message, first.Level));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 59, 0, 500, TimeSpan.Zero), first.Timestamp);
        Assert.Equal("""{"Who":"ål\\ice","Amount":12.5,"N":[1,-0,9223372036854775807,{"x":null}]}""", first.PropertiesJson);
        Assert.Equal(long.MinValue, first.Sequence);
        Assert.Equal("""{"threadId":7,"threadName":"w\uD834\uDD1E"}""", first.ContextJson); // the store's JSON escapes a pair (JsonText)
        var second = events[1];
        Assert.Equal("""{"text":"boom\nat X"}""", second.ExceptionJson);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", second.TraceId);
        Assert.Equal("""{"eventId":3,"scopes":["s",{"k":true}],"traceId":"0AF7651916CD43DD8448EB211C80319C"}""", second.ContextJson);
    }

    [Fact]
    public void ParseEnvelope_TruncatedAnywhere_RefusedWithTheTextOfOneBuffer()
    {
        var body = Encoding.UTF8.GetBytes(SmallBatch);
        for (var length = 0; length < body.Length; length++)
        {
            var prefix = body[..length];
            var whole = Assert.Throws<IngestRejectedException>(() => Parse(new ReadOnlySequence<byte>(prefix)));
            Assert.Equal(400, whole.StatusCode);
            Assert.StartsWith("malformed JSON (body): ", whole.Message, StringComparison.Ordinal);
            foreach (var cut in new[] { length / 2, Math.Max(0, length - 1), length })
            {
                var split = Assert.Throws<IngestRejectedException>(() => Parse(BufferSegments.Split(prefix, cut)));
                Assert.True(whole.Message == split.Message, $"{length} bytes cut at {cut}: '{split.Message}', not '{whole.Message}'");
            }
        }
    }

    [Fact]
    public void ParseEnvelope_Truncated_SameTextAsEver()
    {
        Assert.Equal(
            (400, "malformed JSON (body): Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 26."),
            Refused("""{"events":[{"message":"a"}"""));
        Assert.Equal(
            (400, "malformed JSON (body): 'nu' is an invalid JSON literal. Expected the literal 'null'. LineNumber: 0 | BytePositionInLine: 24."),
            Refused("""{"events":[{"message":nu"""));
    }

    [Fact]
    public void ParseLines_SplitAtEveryByte_SameRowsAsOneBuffer()
    {
        var body = Encoding.UTF8.GetBytes("{\"message\":\"a\",\"user\":\"u\\u00e9\"}\r\n\n  \r\n{\"message\":\"b€\",\"level\":\"fatal\",\"properties\":{\"x\":[1]}}\n");
        var limits = FuzzHarness.Limits(FuzzHarness.Now);
        var expected = Rows(JsonBatchParser.ParseLines(new ReadOnlySequence<byte>(body), "fuzz", null, limits));
        Assert.Contains("\"User\":\"u\\u00E9\"", expected, StringComparison.Ordinal);

        for (var cut = 0; cut <= body.Length; cut++)
        {
            Assert.True(expected == Rows(JsonBatchParser.ParseLines(BufferSegments.Split(body, cut), "fuzz", null, limits)), $"cut at {cut}");
        }
    }

    [Fact]
    public void ParseLines_TrailingGarbageOnALine_RefusedNamingTheLine()
    {
        var refused = Assert.Throws<IngestRejectedException>(() => JsonBatchParser.ParseLines(
            new ReadOnlySequence<byte>("{\"message\":\"a\"}\n{\"message\":\"b\"} x\n"u8.ToArray()), "fuzz", null, FuzzHarness.Limits(FuzzHarness.Now)));

        Assert.Equal("malformed JSON (line 2): 'x' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 16.", refused.Message);
    }

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex LevelName();

    private static IReadOnlyList<NewEvent> Decode(string body) => FuzzHarness.Decode("json-batch", Encoding.UTF8.GetBytes(body), false, "fuzz", FuzzHarness.Now).Batch.Events;

    private static (int Status, string Reason) Refused(string body)
    {
        var refused = Assert.Throws<IngestRejectedException>(() => Decode(body));
        return (refused.StatusCode, refused.Message);
    }

    private static EventBatch Parse(string body, IngestLimits limits) =>
        JsonBatchParser.ParseEnvelope(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), "fuzz", null, limits);

    private static EventBatch Parse(ReadOnlySequence<byte> body) => JsonBatchParser.ParseEnvelope(body, "fuzz", null, FuzzHarness.Limits(FuzzHarness.Now));

    private static string Rows(EventBatch batch) => batch.BatchKey + JsonSerializer.Serialize(batch.Events);
}
