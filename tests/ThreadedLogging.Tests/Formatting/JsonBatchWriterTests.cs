using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Formatting;

/// <summary>
/// The JSON writer renders the message itself, into a reused builder, and writes repeated strings from a
/// cache of their encodings: what it writes must still be MEL's text and the exact strings.
/// </summary>
public sealed class JsonBatchWriterTests
{
    public static TheoryData<string, object?[], bool> Cases => new()
    {
        { "plain text, no holes", [], false },
        { "Paid {Employee} {Amount}", ["alice", 1200.5m], false },
        { "Paid {Employee} {Amount}", ["alice", 1200.5m], true },
        { "{A:0.00} {B,6}|{C,-4}|", [3.14159, 42, "x"], true },
        { "long {Text} end", [new string('é', 5000)], true }, // past the builder's first chunk
        { "quotes \"{Q}\" and <tags> & ünïcödé 🙂", ["\"\\\n"], true },
        { "{{literal}} {A} }}{{", [1], true },
        { "{{literal}} {A} }}{{", [1], false },
        { "{A,10:N2}|{B:yyyy-MM-dd}|{C,-5}|", [1234.5678, new DateTime(2026, 12, 2, 10, 0, 0), "x"], true },
        { "{A,10:N2}|{B:yyyy-MM-dd HH:mm}|{C,-5}|", [1234.5678m, new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(1)), "x"], false },
        { "{A:C} {B:P1} {C:X4} {D:0.###}", [12.5m, 0.125, 255, 1.0 / 3], true },
        { "{A} and {A}", [1, 2], true },
        { "{0} {1}", ["zero", "one"], true },
        { "{A:yyyy-MM-dd} {B}", [null, new[] { 1.5, 2.25 }], true },
        { "{When:O} {Span:g} {Id:N}", [new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), TimeSpan.FromMinutes(90), Guid.Empty], true },
        { "{E} {E:D} {Ch} {B}", [DayOfWeek.Friday, DayOfWeek.Friday, 'c', true], true },
        { "{A}}} {{{B}", [1, 2], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_TemplateAndArguments_MessageIsMelsText(string template, object?[] args, bool pooled)
    {
        var logEvent = Capture(pooled, logger => logger.LogInformation(template, args), out var expected);

        var written = Write(logEvent);

        Assert.Equal(expected, MessageOf(written));
        Assert.Equal(template, written.GetProperty("template").GetString());
        Assert.Equal("Json.Category ünï", written.GetProperty("category").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_MessageThatIsItsTemplate_SentOnceAsTheTemplate(bool pooled)
    {
        // Sent as both, a text of 10 MB without holes was 20 MB on the wire, refused as too large where 10 MB was taken.
        var plain = Capture(pooled, logger => logger.LogInformation("Report " + new string('x', 5000)), out var expected);
        var withoutValues = "Price {Amount} of {Item}"; // holes without values stay as written
        var unfilled = Capture(pooled, logger => logger.LogInformation(withoutValues), out var unfilledText);
        var cut = Capture(pooled, logger => logger.LogInformation("Report " + new string('y', 20_000)), out _);
        var step = 0;
        Assert.True(OversizedEvent.TryCutFurther(cut, ref step)); // message and template cut to one text, two strings

        var written = Write(plain);
        Assert.False(written.TryGetProperty("message", out _));
        Assert.Equal(expected, written.GetProperty("template").GetString());
        Assert.Equal("Price {Amount} of {Item}", unfilledText);
        Assert.False(Write(unfilled).TryGetProperty("message", out _));
        Assert.Equal(unfilledText, MessageOf(Write(unfilled)));
        Assert.False(Write(cut).TryGetProperty("message", out _));
        Assert.StartsWith("Report yyy", Write(cut).GetProperty("template").GetString(), StringComparison.Ordinal);
        Assert.Equal("Paid 5", MessageOf(Write(Capture(pooled, logger => logger.LogInformation("Paid {N}", 5), out _))));
    }

    [Fact]
    public void WriteEnvelope_KeepMessages_MessageThatIsItsTemplateWrittenAndReadBack()
    {
        // The spool's records: a client of an earlier version, which reads every event's "message", may adopt them.
        var logEvent = Capture(pooled: false, logger => logger.LogInformation("no holes"), out _);
        logEvent.Sequence = 1;
        var identity = new LogIdentity { App = "a", Version = "1", User = "u", Machine = "m", ProcessId = 1, InstanceId = "i" };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        JsonBatchWriter.WriteEnvelope(buffer, new LogBatch("b1", [logEvent], identity), keepMessages: true);

        var written = JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("events")[0];
        Assert.Equal("no holes", written.GetProperty("message").GetString());
        Assert.Equal("no holes", ThreadedLogging.SpoolSerializer.Deserialize(buffer.WrittenMemory).Events[0].Message);
    }

    [Fact]
    public void Write_StateWithoutTemplate_MessageIsTheFormattersText()
    {
        var logEvent = Capture(pooled: true, logger => logger.Log(LogLevel.Warning, default, "from the formatter", null, static (s, _) => s), out _);

        Assert.Equal("from the formatter", Write(logEvent).GetProperty("message").GetString());
    }

    [Fact]
    public void Write_SameNamesAcrossEventsAndThreads_EachWrittenRight()
    {
        // The encoding cache is keyed by reference and direct-mapped: many distinct strings evict each other.
        var names = Enumerable.Range(0, 600).Select(i => $"Name{i}").ToArray();
        Parallel.For(0, 4, _ =>
        {
            foreach (var name in names)
            {
                var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, name, default, "t", "m", [new(name, 1)], null, null);
                var written = Write(logEvent);
                Assert.Equal(name, written.GetProperty("category").GetString());
                Assert.Equal(1, written.GetProperty("properties").GetProperty(name).GetInt32());
            }
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ByteArray_HexAsSerilogWritesItAndTheMessageAsMelRendersIt(bool pooled)
    {
        // Before: an array of numbers, [10,255,0], where Serilog and System.Text.Json users expect one compact text.
        var buffer = new byte[] { 0x0A, 0xFF, 0x00 };
        var logEvent = Capture(pooled, logger => logger.LogInformation("Frame {Frame} on {Port}", buffer, 7), out var expected);
        buffer[0] = 0x55; // a reused buffer: what ships is what it held at the call

        var written = Write(logEvent);

        Assert.Equal("0AFF00", written.GetProperty("properties").GetProperty("Frame").GetString());
        Assert.Equal("Frame 10, 255, 0 on 7", expected);
        Assert.Equal(expected, written.GetProperty("message").GetString());
    }

    [Fact]
    public void Write_BytesLongerThan1024_FirstSixteenInHexAndTheLength()
    {
        var payload = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        var logEvent = Capture(pooled: false, logger => logger.LogInformation("Body {Body}", payload), out _);

        Assert.Equal("000102030405060708090A0B0C0D0E0F... (4096 bytes)", Write(logEvent).GetProperty("properties").GetProperty("Body").GetString());
    }

    [Fact]
    public void Write_BytesAsSegmentMemoryAndInsideACollection_EachHex()
    {
        var data = new byte[] { 1, 2, 3, 4 };
        var logEvent = Capture(pooled: false, logger => logger.LogInformation(
            "{Segment} {Memory}", new ArraySegment<byte>(data, 1, 2), new ReadOnlyMemory<byte>(data)), out var expected);
        var nested = Capture(pooled: false, logger => logger.LogInformation("{Chunks}", new List<byte[]> { data, Array.Empty<byte>() }), out _);

        var written = Write(logEvent);

        var properties = written.GetProperty("properties");
        Assert.Equal("0203", properties.GetProperty("Segment").GetString());
        Assert.Equal("01020304", properties.GetProperty("Memory").GetString());
        Assert.Equal("2, 3 System.ReadOnlyMemory<Byte>[4]", expected);
        Assert.Equal(expected, written.GetProperty("message").GetString());
        Assert.Equal("""["01020304",""]""", Write(nested).GetProperty("properties").GetProperty("Chunks").GetRawText());
    }

    [Fact]
    public void Deserialize_SpooledBytes_WrittenAgainTheSame()
    {
        var logEvent = Capture(pooled: false, logger => logger.LogInformation("Hash {Hash}", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }), out _);
        logEvent.Sequence = 1;
        var identity = new LogIdentity { App = "a", Version = "1", User = "u", Machine = "m", ProcessId = 1, InstanceId = "i" };
        using var first = new MemoryStream();
        JsonBatchWriter.WriteEnvelope(first, new LogBatch("b1", [logEvent], identity));

        var read = ThreadedLogging.SpoolSerializer.Deserialize(first.ToArray());
        using var second = new MemoryStream();
        JsonBatchWriter.WriteEnvelope(second, read);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(first.ToArray()), System.Text.Encoding.UTF8.GetString(second.ToArray()));
        Assert.Contains("\"Hash\":\"DEADBEEF\"", System.Text.Encoding.UTF8.GetString(second.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_DictionaryKeysThatAreNotText_NamedAsTheWireWritesThoseValuesInAnyCulture(bool pooled)
    {
        var when = new DateTime(2026, 12, 2, 16, 51, 7, DateTimeKind.Utc);
        var previous = CultureInfo.CurrentCulture;
        LogEvent logEvent;
        string expected;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // an ASP.NET request localized to German
        try
        {
            logEvent = Capture(
                pooled,
                logger => logger.LogInformation("{ByTime} {ByPrice} {ById}", new Dictionary<DateTime, int> { [when] = 1 }, new Dictionary<double, string> { [1.5] = "a" }, new Dictionary<int, double> { [-3] = 2.5 }),
                out expected);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        var properties = Write(logEvent).GetProperty("properties");

        // The wire: a date key as a date value is written (ISO 8601), a number's invariant text; before: "12/02/2026 16:51:07".
        Assert.Equal(1, properties.GetProperty("ByTime").GetProperty("2026-12-02T16:51:07.0000000Z").GetInt32());
        Assert.Equal("a", properties.GetProperty("ByPrice").GetProperty("1.5").GetString());
        Assert.Equal(2.5, properties.GetProperty("ById").GetProperty("-3").GetDouble());

        // The message: MEL's text on the caller's thread, keys in the caller's culture like the values; before: "[1.5, a]".
        Assert.Equal("[02.12.2026 16:51:07, 1] [1,5, a] [-3, 2,5]", expected);
        Assert.Equal(expected, Write(logEvent).GetProperty("message").GetString());
    }

    /// <summary>The message as the collector reads it (docs/WIRE-FORMAT.md): <c>message</c>, or the template when it is absent.</summary>
    private static string? MessageOf(JsonElement written) =>
        written.TryGetProperty("message", out var message) ? message.GetString() : written.GetProperty("template").GetString();

    private static JsonElement Write(LogEvent logEvent)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            JsonBatchWriter.WriteEvent(json, logEvent, null);
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static LogEvent Capture(bool pooled, Action<ILogger> log, out string expected)
    {
        var logger = new CaptureLogger(pooled);
        log(logger);
        expected = logger.Text!;
        return logger.Event!;
    }

    /// <summary>Captures as ThreadedLogger does, into a pooled-style event or a fresh one, and keeps MEL's own text.</summary>
    private sealed class CaptureLogger(bool pooled) : ILogger
    {
        public LogEvent? Event { get; private set; }

        public string? Text { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Text = formatter(state, exception);
            Event = EventCapture.Capture(
                new LogEvent { IsPooled = pooled }, CallerThread.Current, "Json.Category ünï", logLevel, eventId, state, exception, formatter, null, DateTimeOffset.UnixEpoch);
        }
    }
}
