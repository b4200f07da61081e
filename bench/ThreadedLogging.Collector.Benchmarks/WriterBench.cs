using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Issue 14 target 4: the SQLite store's share of end-to-end ingest, with the events the delivery bench sends
/// (one client: <c>Order {N} shipped to {Customer}</c>, 500-event JsonBatch envelopes decoded by the real decoder),
/// appended one request after another as one client with one request in flight does. Reports wall clock, CPU and bytes allocated
/// per event, and the CPU of each thread (the writer, the full-text indexer), from /proc.
///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --writer [--events 1000000] [--batch 500]
/// </summary>
internal static class WriterBench
{
    public static async Task RunAsync(int events, int batchSize)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tl-writer-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var store = new SqliteEventStore(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
            await store.InitializeAsync(CancellationToken.None);
            var decoder = IngestDecoders.Create(new Ingest.Formats.IdentityPropertyOptions()).ForName("json-batch")!;
            var options = new CollectorOptions();
            var instance = Guid.NewGuid().ToString("N");
            EventBatch Decode(int first, int count) =>
                decoder.Decode(new IngestRequest(Envelope(instance, first, count), "bench-user", null), new IngestLimits(options, DateTimeOffset.UtcNow)).Batch;

            // Warm-up: JIT and the page cache, as the delivery bench's 5,000 events of another user.
            for (var n = 0; n < 20; n++)
            {
                await store.AppendAsync(Decode(-(n + 1) * batchSize, batchSize), CancellationToken.None);
            }

            await store.WaitForFullTextAsync(CancellationToken.None);
            var wall = TimeSpan.Zero;
            var cpu = TimeSpan.Zero;
            var allocated = 0L;
            var threads = new Dictionary<string, double>(StringComparer.Ordinal);
            using var process = Process.GetCurrentProcess();
            for (var done = 0; done < events;)
            {
                var chunk = new List<EventBatch>();
                for (var b = 0; b < 100 && done < events; b++, done += batchSize)
                {
                    chunk.Add(Decode(done, Math.Min(batchSize, events - done)));
                }

                var before = ThreadTimes();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                foreach (var batch in chunk)
                {
                    await store.AppendAsync(batch, CancellationToken.None);
                }

                if (done >= events)
                {
                    await store.WaitForFullTextAsync(CancellationToken.None);
                }

                wall += Stopwatch.GetElapsedTime(started);
                allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated0;
                process.Refresh();
                cpu += process.TotalProcessorTime - cpu0;
                foreach (var (name, ms) in ThreadTimes())
                {
                    threads[name] = threads.GetValueOrDefault(name) + ms - before.GetValueOrDefault(name);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store append, {events:N0} events in {batchSize}-event requests one after another: {events / wall.TotalSeconds:N0} events/s, " +
                $"wall {wall.TotalMicroseconds / events:F2} µs/event, CPU {cpu.TotalMicroseconds / events:F2} µs/event, allocated {allocated / events:N0} B/event (all threads), load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            foreach (var (name, ms) in threads.Where(t => t.Value > 0).OrderByDescending(t => t.Value))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  thread '{name}': {ms * 1000 / events:F2} µs/event"));
            }

            // The files as they stand (with their WAL): the full-text index's size is the words it wrote.
            double BytesPerEvent(string file) => Directory.GetFiles(directory, file + "*").Sum(f => new FileInfo(f).Length) / (double)events;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  files: {BytesPerEvent("collector.db"):F0} B/event events, {BytesPerEvent(SqliteFtsIndexer.FileName):F0} B/event full text"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The JsonBatch decoder alone on the same bodies (<paramref name="batchSize"/>-event envelopes, decoded over and over):
    /// CPU and bytes allocated per event, the collector's share of ingest before the store.
    ///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --decode [--events 1000000] [--batch 2000]
    /// </summary>
    public static void RunDecode(int events, int batchSize)
    {
        var decoder = IngestDecoders.Create(new Ingest.Formats.IdentityPropertyOptions()).ForName("json-batch")!;
        var options = new CollectorOptions();
        var body = Envelope(Guid.NewGuid().ToString("N"), 0, batchSize);
        void Decode()
        {
            var decoded = decoder.Decode(new IngestRequest((byte[])body.Clone(), "bench-user", null), new IngestLimits(options, DateTimeOffset.UtcNow));
            if (decoded.Batch.Events.Count != batchSize)
            {
                throw new InvalidOperationException($"{decoded.Batch.Events.Count} events decoded");
            }
        }

        for (var n = 0; n < 100; n++)
        {
            Decode();
        }

        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < events; done += batchSize)
        {
            Decode();
        }

        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JsonBatch decode, {events:N0} events in {batchSize}-event bodies of {body.Length / batchSize} B/event: {events / clock.Elapsed.TotalSeconds:N0} events/s, " +
            $"CPU {(process.TotalProcessorTime - cpu).TotalMicroseconds / events:F2} µs/event, allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / events:N0} B/event " +
            $"(the body's copy {body.Length / batchSize} of them), load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
    }

    /// <summary>What the client's JsonBatchWriter sends for the delivery bench's call (docs/WIRE-FORMAT.md §1).</summary>
    private static byte[] Envelope(string instance, int first, int count)
    {
        var text = new StringBuilder(count * 300);
        text.Append(CultureInfo.InvariantCulture, $"{{\"batchId\":\"{Guid.NewGuid():N}\",\"app\":\"DeliveryBench\",\"version\":\"1.0.0\",\"user\":\"bench-user\",\"machine\":\"bench-machine\",\"processId\":4242,\"instanceId\":\"{instance}\",\"events\":[");
        var time = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var n = first + i;
            text.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"timestamp\":\"{time.AddTicks(i * 10):O}\",\"level\":\"Information\",\"category\":\"DeliveryBench.Orders\",\"template\":\"Order {{N}} shipped to {{Customer}}\"," +
                $"\"threadId\":12,\"threadName\":\"caller-0\",\"sequence\":{n + 1_000_000},\"message\":\"Order {n} shipped to customer-42\",\"properties\":{{\"N\":{n},\"Customer\":\"customer-42\"}}}}");
        }

        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    /// <summary>CPU milliseconds of each thread of this process by name (utime + stime of /proc/self/task/*/stat).</summary>
    private static Dictionary<string, double> ThreadTimes()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                result[name] = result.GetValueOrDefault(name) + ticks * 10.0; // USER_HZ = 100
            }
            catch (IOException)
            {
                // the thread ended
            }
        }

        return result;
    }
}
