using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// <c>--quick-serialize</c>: the worker's CPU per event for a JsonBatch POST body — render, JSON, gzip,
/// each alone — on a batch of 500 events like the benchmark's call, in this thread. On two cores this is the CPU the
/// worker takes from the app while a burst is shipped.
/// </summary>
internal static class QuickSerialize
{
    public static int Run()
    {
        var identity = new LogIdentity { App = "Bench", Version = "1.0", User = "alice", Machine = "m1", ProcessId = 42, InstanceId = "0123456789abcdef0123456789abcdef" };
        var events = new List<LogEvent>();
        var logger = new CaptureLogger(events);
        for (var i = 0; i < 500; i++)
        {
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 1200m + i);
        }

        var buffer = new ArrayBufferWriter<byte>(256 * 1024);
        var compressed = new MemoryStream();
        var batch = new LogBatch("batch", events, identity);
        Measure("render (MessageTemplate)", events.Count, () =>
        {
            foreach (var e in events)
            {
                e.SetMessage(null);
                _ = e.Message;
            }
        });
        Measure("JSON (rendered messages)", events.Count, () =>
        {
            buffer.ResetWrittenCount();
            JsonBatchWriter.WriteEnvelope(buffer, batch);
        });
        Measure("JSON rendering on the way (pooled events)", events.Count, () =>
        {
            foreach (var e in events)
            {
                e.SetMessage(null);
            }

            buffer.ResetWrittenCount();
            JsonBatchWriter.WriteEnvelope(buffer, batch);
        });
        Measure("gzip Fastest", events.Count, () =>
        {
            compressed.SetLength(0);
            using var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(buffer.WrittenSpan);
        });
        Console.WriteLine($"  {buffer.WrittenCount / events.Count} B JSON, {compressed.Length / events.Count} B gzip per event");
        return 0;
    }

    private static void Measure(string name, int events, Action body)
    {
        WarmUp.UntilJitQuiet(body, static () => { }); // else the rounds run instrumented code (seen with perf on a slow machine)
        var times = new double[200];
        for (var round = 0; round < times.Length; round++)
        {
            var started = Stopwatch.GetTimestamp();
            body();
            times[round] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / events;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: median {times[times.Length / 2]:F0} ns/event, min {times[0]:F0}"));
    }

    private sealed class CaptureLogger(List<LogEvent> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Add(EventCapture.Capture("Payroll", logLevel, eventId, state, exception, formatter, null, DateTimeOffset.UtcNow));
    }
}
