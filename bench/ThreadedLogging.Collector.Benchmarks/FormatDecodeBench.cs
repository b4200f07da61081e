using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// Issue 11: the CPU and the bytes each format's decoder spends per event (the same events as JsonBatch, CLEF and OTLP
/// protobuf bodies of 1,000 events; CPython HTTPHandler forms, one event each), decoded N times over; storing is the
/// same for every format and left out. Bytes allocated are counted around the decode only (the body's copy is not).
/// With <c>--alloc-types</c>, the types allocated most (the runtime's allocation ticks, one per ~100 KB) per format.
///   dotnet run -c Release --project bench/ThreadedLogging.Collector.Benchmarks -- --formats [--events 1000000] [--alloc-types]
/// </summary>
internal static class FormatDecodeBench
{
    private const int PerBody = 1000;

    public static void Run(int events, bool allocationTypes)
    {
        var decoders = IngestDecoders.Create(new IdentityPropertyOptions());
        var options = new CollectorOptions();
        var bodies = new (string Name, IEventDecoder Decoder, byte[] Body, int Events)[]
        {
            ("JsonBatch", decoders.ForName("json-batch")!, JsonBatch(PerBody), PerBody),
            ("JsonBatch, mixed", decoders.ForName("json-batch")!, JsonBatchMixed(PerBody), PerBody),
            ("CLEF", decoders.ForName("clef")!, Clef(PerBody), PerBody),
            ("OTLP protobuf", decoders.ForName("otlp-protobuf")!, Otlp(PerBody, sdkResource: false), PerBody),
            ("OTLP protobuf, SDK resource", decoders.ForName("otlp-protobuf")!, Otlp(PerBody, sdkResource: true), PerBody),
            ("Python form", decoders.ForName("python-form")!, PythonForm(), 1),
        };
        Console.WriteLine("| format | body bytes / event | events/s (one core) | CPU µs / event | × JsonBatch | allocated B / event | stored JSON B / event |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        double? baseline = null;
        var types = new List<(string Name, AllocationTypes Types)>();
        foreach (var (name, decoder, body, perBody) in bodies)
        {
            var storedJson = 0L;
            long Decode()
            {
                var request = new IngestRequest((byte[])body.Clone(), "bench", null);
                var before = GC.GetAllocatedBytesForCurrentThread();
                var decoded = decoder.Decode(request, new IngestLimits(options, DateTimeOffset.UtcNow));
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (decoded.Batch.Events.Count != perBody)
                {
                    throw new InvalidOperationException($"{name}: {decoded.Batch.Events.Count} events decoded");
                }

                storedJson = StoredJsonBytes(decoded.Batch.Events);

                return allocated;
            }

            for (var warm = 0; warm < 50_000 / perBody; warm++)
            {
                Decode();
            }

            using var listener = allocationTypes ? new AllocationTypes() : null;
            var allocated = 0L;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var done = 0; done < events; done += perBody)
            {
                allocated += Decode();
            }

            var cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / events;
            baseline ??= cpuMicros;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {body.Length / perBody} | {events / clock.Elapsed.TotalSeconds:N0} | {cpuMicros:F2} | {cpuMicros / baseline:F2} | {allocated / events:N0} | {storedJson / perBody:N0} |"));
            if (listener is not null)
            {
                types.Add((name, listener));
            }
        }

        Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (var (name, listener) in types)
        {
            Console.WriteLine($"{name}: allocation ticks by type (the body's copy included)");
            foreach (var (type, count) in listener.Top(12))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,6} {type}"));
            }
        }
    }

    /// <summary>The UTF-8 bytes of the JSON texts the store keeps per event (properties, context, exception): what a decoder adds to each row.</summary>
    private static long StoredJsonBytes(IReadOnlyList<NewEvent> events)
    {
        var bytes = 0L;
        foreach (var e in events)
        {
            foreach (var text in (string?[])[e.PropertiesJson, e.ContextJson, e.ExceptionJson])
            {
                bytes += text is null ? 0 : Encoding.UTF8.GetByteCount(text);
            }
        }

        return bytes;
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

    /// <summary>Events of one client as an app logs them: 7 templates, 40 categories and 8 threads interleaved, not one of each per batch.</summary>
    private static byte[] JsonBatchMixed(int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new
        {
            timestamp = Time(i),
            level = i % 10 == 0 ? "Warning" : "Information",
            category = $"Payroll.Services.Area{i * 7 % 40}",
            template = $"Step {i % 7}: order {{OrderId}} for {{User}}",
            message = $"Step {i % 7}: order {i} for alice",
            threadId = i % 8,
            threadName = $"worker-{i % 8}",
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

    /// <remarks>
    /// With <paramref name="sdkResource"/>, the resource OpenTelemetry .NET 1.x sends for an app that calls <c>AddService</c>
    /// and sets <c>OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=production,service.namespace=shop</c>: its
    /// <c>service.instance.id</c> and <c>telemetry.sdk.*</c> besides the identity.
    /// </remarks>
    private static byte[] Otlp(int count, bool sdkResource)
    {
        var resource = new ResourceLogs { Resource = new Resource() };
        (string, string)[] identity = [("service.name", "Payroll"), ("service.version", "2.3.1"), ("host.name", "PC-042"), ("enduser.id", "alice")];
        (string, string)[] sdk = [("service.instance.id", "0f3c6a52-2a4e-4a3f-9a55-3b1f0d6a7c21"), ("service.namespace", "shop"),
            ("deployment.environment.name", "production"), ("telemetry.sdk.name", "opentelemetry"), ("telemetry.sdk.language", "dotnet"), ("telemetry.sdk.version", "1.14.0")];
        foreach (var (key, value) in sdkResource ? [.. identity, .. sdk] : identity)
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

    /// <summary>One record as CPython's <c>logging.handlers.HTTPHandler</c> posts it (<c>record.__dict__</c>, urlencoded), with the identity fields.</summary>
    private static byte[] PythonForm()
    {
        var fields = new (string Name, string Value)[]
        {
            ("name", "Payroll.Orders"), ("msg", "Order %s shipped to %s"), ("args", "(42, 'alice')"), ("levelname", "INFO"), ("levelno", "20"),
            ("pathname", "/srv/payroll/orders.py"), ("filename", "orders.py"), ("module", "orders"), ("exc_info", "None"), ("exc_text", "None"),
            ("stack_info", "None"), ("lineno", "87"), ("funcName", "ship"), ("created", "1764496800.123456"), ("msecs", "123.0"),
            ("relativeCreated", "4521.77"), ("thread", "140234987654912"), ("threadName", "MainThread"), ("processName", "MainProcess"),
            ("process", "4242"), ("taskName", "None"), ("user", "alice"), ("machine", "PC-042"), ("app", "Payroll"),
        };
        return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}")));
    }
}
