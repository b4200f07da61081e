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
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_TemplateAndArguments_MessageIsMelsText(string template, object?[] args, bool pooled)
    {
        var logEvent = Capture(pooled, logger => logger.LogInformation(template, args), out var expected);

        var written = Write(logEvent);

        Assert.Equal(expected, written.GetProperty("message").GetString());
        Assert.Equal(template, written.GetProperty("template").GetString());
        Assert.Equal("Json.Category ünï", written.GetProperty("category").GetString());
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
