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
        // PeerBench's event, read back into pooled events as the worker reads records: its int and text kept inline.
        var peerEvents = new List<LogEvent>();
        var peerLogger = new CaptureLogger(peerEvents, pooled: true);
        for (var i = 0; i < 500; i++)
        {
            peerLogger.LogInformation("User {UserId} did {Action}", i, "x");
        }

        var peerBatch = new LogBatch("batch", peerEvents, identity);
        var peerBuffer = new ArrayBufferWriter<byte>(256 * 1024);
        Measure("JSON rendering on the way (PeerBench's event, pooled)", peerEvents.Count, () =>
        {
            peerBuffer.ResetWrittenCount();
            JsonBatchWriter.WriteEnvelope(peerBuffer, peerBatch);
        });
        Measure("gzip Fastest", events.Count, () =>
        {
            compressed.SetLength(0);
            using var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(buffer.WrittenSpan);
        });
        Console.WriteLine($"  {buffer.WrittenCount / events.Count} B JSON, {compressed.Length / events.Count} B gzip per event");

        // Issue 14: the default encoding, chosen by measurement (bench/README.md, "Wire compression").
        foreach (var (name, level) in new[] { ("gzip Optimal", CompressionLevel.Optimal), ("gzip SmallestSize", CompressionLevel.SmallestSize) })
        {
            Measure(name, events.Count, () =>
            {
                compressed.SetLength(0);
                using var gzip = new GZipStream(compressed, level, leaveOpen: true);
                gzip.Write(buffer.WrittenSpan);
            });
            Console.WriteLine($"  {compressed.Length / (double)events.Count:F1} B per event");
        }

        var brotliOut = new byte[BrotliEncoder.GetMaxCompressedLength(buffer.WrittenCount)];
        foreach (var quality in new[] { 0, 1, 4 })
        {
            var written = 0;
            Measure($"Brotli quality {quality}", events.Count, () =>
            {
                using var encoder = new BrotliEncoder(quality, 22);
                encoder.Compress(buffer.WrittenSpan, brotliOut, out _, out written, isFinalBlock: true);
            });
            Console.WriteLine($"  {written / (double)events.Count:F1} B per event");
        }

        // The queue's side: encode a call into a record, and read a record back into a reused event.
        var queue = new RecordQueue(64L * 1024 * 1024, int.MaxValue);
        var caller = CallerThread.Current;
        var reused = new LogEvent { IsPooled = true };
        var now = DateTimeOffset.UtcNow;
        Measure("record encode (caller)", events.Count, () =>
        {
            for (var i = 0; i < events.Count; i++)
            {
                var state = new PaidState("alice", 1200m + i);
                caller.Writer.TryEncode(caller, "Payroll", LogLevel.Information, default, in state, null, static (s, _) => s.ToString(), null, now, 1 << 20);
            }
        });
        Measure("record encode + commit (caller) + read back into a reused event (worker)", events.Count, () =>
        {
            for (var i = 0; i < events.Count; i++)
            {
                var state = new PaidState("alice", 1200m + i);
                queue.TryEncode(caller, "Payroll", LogLevel.Information, default, in state, null, static (s, _) => s.ToString(), null, now);
                queue.TryCommit(caller, held: false);
            }

            while (queue.TryPeekBytes(out _))
            {
                queue.Dequeue(reused, out _);
            }

            queue.Release();
        });
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

    /// <summary>A state like MEL's <c>FormattedLogValues</c> for "Paid {Employee} {Amount}" (a struct list of properties).</summary>
    private readonly struct PaidState(string employee, decimal amount) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("Employee", employee),
            1 => new("Amount", amount),
            _ => new("{OriginalFormat}", "Paid {Employee} {Amount}"),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"Paid {employee} {amount}";
    }

    private sealed class CaptureLogger(List<LogEvent> events, bool pooled = false) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Add(pooled
                ? EventCapture.Capture(new LogEvent { IsPooled = true }, CallerThread.Current, "PeerBench", logLevel, eventId, state, exception, formatter, null, DateTimeOffset.UtcNow)
                : EventCapture.Capture("Payroll", logLevel, eventId, state, exception, formatter, null, DateTimeOffset.UtcNow));
    }
}
