using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Issue 11: the CPU each format's decoder spends per event (the same events as JsonBatch, CLEF and OTLP
/// protobuf bodies of 1,000 events), decoded N times over; storing is the same for every format and left out.
///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --formats [--events 1000000]
/// </summary>
internal static class FormatDecodeBench
{
    public static void Run(int events)
    {
        const int PerBody = 1000;
        var decoders = IngestDecoders.Create(new IdentityPropertyOptions());
        var options = new CollectorOptions();
        var bodies = new (string Name, IEventDecoder Decoder, byte[] Body)[]
        {
            ("JsonBatch", decoders.ForName("json-batch")!, JsonBatch(PerBody)),
            ("CLEF", decoders.ForName("clef")!, Clef(PerBody)),
            ("OTLP protobuf", decoders.ForName("otlp-protobuf")!, Otlp(PerBody)),
        };
        Console.WriteLine($"| format | body bytes / event | events/s (one core) | CPU µs / event | × JsonBatch |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        double? baseline = null;
        foreach (var (name, decoder, body) in bodies)
        {
            for (var warm = 0; warm < 50; warm++)
            {
                decoder.Decode(new IngestRequest((byte[])body.Clone(), "bench", null), new IngestLimits(options, DateTimeOffset.UtcNow));
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var done = 0; done < events; done += PerBody)
            {
                var decoded = decoder.Decode(new IngestRequest((byte[])body.Clone(), "bench", null), new IngestLimits(options, DateTimeOffset.UtcNow));
                if (decoded.Batch.Events.Count != PerBody)
                {
                    throw new InvalidOperationException($"{name}: {decoded.Batch.Events.Count} events decoded");
                }
            }

            var cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / events;
            baseline ??= cpuMicros;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {body.Length / PerBody} | {events / clock.Elapsed.TotalSeconds:N0} | {cpuMicros:F2} | {cpuMicros / baseline:F2} |"));
        }
    }

    private static string Time(int i) => new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc).AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture);

    private static byte[] JsonBatch(int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new
        {
            timestamp = Time(i),
            level = "Information",
            category = "Payroll.Orders",
            template = "Order {OrderId} shipped to {User}",
            message = $"Order {i} shipped to alice",
            properties = new { OrderId = i, User = "alice" },
            sequence = i,
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { app = "Payroll", version = "2.3.1", user = "alice", machine = "PC-042", instanceId = "bench", events });
    }

    private static byte[] Clef(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $$"""{"@t":"{{Time(i)}}","@mt":"Order {OrderId} shipped to {User}","OrderId":{{i}},"User":"alice","SourceContext":"Payroll.Orders","Application":"Payroll","Version":"2.3.1","UserName":"alice","MachineName":"PC-042"}""").Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Otlp(int count)
    {
        var resource = new ResourceLogs { Resource = new Resource() };
        foreach (var (key, value) in new[] { ("service.name", "Payroll"), ("service.version", "2.3.1"), ("host.name", "PC-042"), ("enduser.id", "alice") })
        {
            resource.Resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Payroll.Orders" } };
        for (var i = 0; i < count; i++)
        {
            var record = new LogRecord
            {
                TimeUnixNano = (ulong)new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(i).ToUnixTimeMilliseconds() * 1_000_000,
                SeverityNumber = SeverityNumber.Info,
                Body = new AnyValue { StringValue = "Order {OrderId} shipped to {User}" },
            };
            record.Attributes.Add(new KeyValue { Key = "OrderId", Value = new AnyValue { IntValue = i } });
            record.Attributes.Add(new KeyValue { Key = "User", Value = new AnyValue { StringValue = "alice" } });
            scope.LogRecords.Add(record);
        }

        resource.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resource);
        return request.ToByteArray();
    }
}
