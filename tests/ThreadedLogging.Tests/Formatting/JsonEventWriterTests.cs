using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Formatting;

/// <summary>
/// <see cref="JsonEventWriter"/> writes an event's bytes itself where the JSON writer made a call per field (issue 14):
/// the bytes on the wire must stay those calls' bytes, for every kind of value, text and event shape.
/// </summary>
public sealed class JsonEventWriterTests
{
    private static readonly LogIdentity Identity = new() { App = "app \"x\"", Version = "1.0", User = "", Machine = "m<1>", ProcessId = 7, InstanceId = "i" };

    [Fact]
    public void Write_VariedCorpus_BytesOfTheWritersPerFieldCalls()
    {
        var corpus = Corpus().ToList();
        Assert.True(corpus.Count > 150, $"corpus of {corpus.Count}");

        foreach (var logEvent in corpus)
        {
            AssertSameBytes(logEvent, null);
            AssertSameBytes(logEvent, Identity);
        }
    }

    [Fact]
    public void WriteEnvelope_VariedCorpus_EventsSeparatedAsTheWriterSeparatesThem()
    {
        var corpus = Corpus().ToList();
        using var expected = new MemoryStream();
        using (var json = new Utf8JsonWriter(expected, JsonBatchWriter.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString(JsonBatchFields.BatchId, "b1");
            JsonBatchWriter.WriteIdentity(json, Identity);
            json.WriteStartArray(JsonBatchFields.Events);
            foreach (var logEvent in corpus)
            {
                ReferenceEventJson.WriteEvent(json, logEvent, null);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var actual = new MemoryStream();
        JsonBatchWriter.WriteEnvelope(actual, new LogBatch("b1", corpus, Identity));

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), Encoding.UTF8.GetString(actual.ToArray()));
        Assert.Equal(corpus.Count, JsonDocument.Parse(actual.ToArray()).RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public void Write_EveryUtf16CodeUnitInTextAndNames_EscapedAsTheWriterEscapesIt()
    {
        // Each code unit alone (lone surrogates included) as the message, a property's text and its name, the category.
        for (var c = 0; c <= char.MaxValue; c += c < 0x800 ? 1 : 7)
        {
            var text = ((char)c).ToString();
            var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, "c" + text, default, null, "m" + text + "x", [new(text, text + "<")], null, null);
            AssertSameBytes(logEvent, null);
        }

        foreach (var text in new[] { "🙂", "a🙂b", "\uD83D", "\uDE42x", "é" + new string('a', 600), new string('a', 513), new string('<', 513), "" })
        {
            var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, text, new EventId(1, text), text, null, [new(text, text)], null, null) { ThreadName = text };
            AssertSameBytes(logEvent, null);
        }
    }

    [Fact]
    public void Write_TimestampsWithEachFractionLength_TrimmedAsTheWriterTrimsThem()
    {
        var second = new DateTimeOffset(2026, 12, 4, 16, 31, 8, TimeSpan.Zero);
        foreach (var ticks in new long[] { 0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 1_234_567, 1_230_000, 9_999_999, 5_000_000 })
        {
            foreach (var offset in new[] { TimeSpan.Zero, TimeSpan.FromHours(5.5), TimeSpan.FromHours(-8) })
            {
                var logEvent = new LogEvent(second.AddTicks(ticks).ToOffset(offset), LogLevel.Debug, "c", default, "t", null, [], null, null);
                AssertSameBytes(logEvent, null);
            }
        }

        AssertSameBytes(new LogEvent(DateTimeOffset.MinValue, LogLevel.Debug, "c", default, "t", null, [], null, null), null);
        AssertSameBytes(new LogEvent(DateTimeOffset.MaxValue, LogLevel.Debug, "c", default, "t", null, [], null, null), null);
    }

    private static void AssertSameBytes(LogEvent logEvent, LogIdentity? identity)
    {
        var expected = Encoding.UTF8.GetString(ReferenceEventJson.Write(logEvent, identity));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonBatchWriter.WriterOptions))
        {
            JsonBatchWriter.WriteEvent(json, logEvent, identity);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Events of every shape: each level, ids and names, templates and messages, every inline kind, other values, exceptions, scopes, traces.</summary>
    private static IEnumerable<LogEvent> Corpus()
    {
        var values = new object?[]
        {
            0, -1, int.MaxValue, int.MinValue, 0L, long.MinValue, long.MaxValue, 1.5, -0.0, double.NaN, double.PositiveInfinity, 1e300, 1.0 / 3,
            1e-7, 123456789012345680000.0, double.Epsilon, double.MaxValue, -2.5e-300, 0.1 + 0.2,
            0m, 1200.50m, -79228162514264337593543950335m, 0.0000000000000000000000000001m, 1e15m, 100.000m, true, false, new DateTime(2026, 12, 4, 1, 2, 3, 456, DateTimeKind.Utc),
            new DateTime(2026, 12, 4), new DateTimeOffset(2026, 12, 4, 1, 2, 3, TimeSpan.FromHours(2)), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            TimeSpan.FromMilliseconds(1234.5), "text", "", "quo\"te\\ <b>&amp; 'x' +`", "ünïcödé 🙂", "line\nbreak\ttab\u0001", null,
            (short)3, (byte)4, 5u, ulong.MaxValue, 2.5f, float.NaN, 'c', DayOfWeek.Friday, new[] { 1, 2 }, new List<string?> { "a", null },
            new Dictionary<string, object?> { ["k"] = 1, ["n"] = new[] { "x" } }, new byte[] { 1, 2, 255 }, new Uri("http://example.com/a?b=c"),
        };

        var levels = new[] { LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical, LogLevel.None, (LogLevel)42 };
        var i = 0;
        foreach (var pooled in new[] { false, true })
        {
            foreach (var value in values)
            {
                var level = levels[i++ % levels.Length];
                yield return Capture(pooled, logger => logger.Log(level, new EventId(i, i % 3 == 0 ? "Named" : null), "Value {Value} and {Other}!", value, "plain"));
                yield return Capture(pooled, logger => logger.Log(level, default(EventId), "{Value}", value));
            }

            yield return Capture(pooled, logger => logger.LogInformation("no holes at all"));
            yield return Capture(pooled, logger => logger.LogInformation(string.Empty));
            yield return Capture(pooled, logger => logger.LogInformation("{A} {B} {C} {D} {E}", 1, 2L, true, 2.5m, "five"));
            yield return Capture(pooled, logger => logger.LogInformation("{{escaped}} {A,8:N2} {B:yyyy}", 1234.5678, new DateTime(2026, 1, 1)));
            yield return Capture(pooled, logger => logger.LogWarning(new EventId(-5, "Neg"), "long {Text}", new string('x', 5000)));
            yield return Capture(pooled, logger => logger.Log(LogLevel.Error, default, "from a formatter", null, static (s, _) => s + " <done>"));
            yield return Capture(pooled, logger => logger.LogError(Thrown(), "Failed {Id}", 9));
            yield return Capture(pooled, logger => logger.LogCritical(new AggregateException("all", Thrown(), new ArgumentException("bad \"arg\"")), "Crashed"));
        }

        foreach (var scopes in new object?[][] { ["request 1"], ["a", new KeyValuePair<string, object?>[] { new("User", "alice"), new("N", 3) }, null, 5] })
        {
            yield return new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, "Scoped", default, "t {X}", "t 1", [new("X", 1)], null, scopes) { ThreadName = "worker", Sequence = 12 };
        }

        yield return new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, "Traced", default, null, "m", [], null, null)
        {
            TraceId = ActivityTraceId.CreateRandom(),
            SpanId = ActivitySpanId.CreateRandom(),
            ThreadId = -3,
            Sequence = long.MaxValue,
        };
        yield return new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, "NoText", default, null, null, [], null, null);
        yield return new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Information, "EmptyTemplate", default, string.Empty, null, [new("K", null)], null, null);
    }

    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("boom <\"x\">", new FormatException("inner ü"));
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    private static LogEvent Capture(bool pooled, Action<ILogger> log)
    {
        var logger = new CaptureLogger(pooled);
        log(logger);
        var logEvent = logger.Event!;
        logEvent.Sequence = 1000 + logEvent.PropertyCount;
        logEvent.ThreadName = pooled ? "pool" : null;
        return logEvent;
    }

    /// <summary>Captures as ThreadedLogger does, into a pooled-style event (values inline) or a fresh one (values boxed).</summary>
    private sealed class CaptureLogger(bool pooled) : ILogger
    {
        public LogEvent? Event { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Event = EventCapture.Capture(
                new LogEvent { IsPooled = pooled }, CallerThread.Current, "Corpus.Category", logLevel, eventId, state, exception, formatter, null, new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero).AddTicks(1234));
    }
}
