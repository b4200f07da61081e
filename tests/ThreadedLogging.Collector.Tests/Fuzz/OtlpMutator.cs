using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Mutations of an OTLP export that stay well-formed protobuf, so that they reach the mapper: odd times, severities,
/// ids, bodies (templates with odd holes, deep or odd values), attributes, scopes and resources, many records.
/// </summary>
internal static class OtlpMutator
{
    private static readonly ulong[] Times =
        [0, 1, 100, 1_764_583_200_000_000_000, 1_764_583_200_000_000_001, 9_999_999_999_999_999_999, 1UL << 63, ulong.MaxValue, ulong.MaxValue - 99];

    private static readonly string[] Keys =
        ["", "A", "D", "S", "Arr", "Employee", "exception.type", "exception.message", "exception.stacktrace", "service.name", "service.version",
         "host.name", "user.name", "enduser.id", "process.pid", "{OriginalFormat}", "é😀", "exception.", new string('k', 2000), "@A", " A "];

    public static ExportLogsServiceRequest Parse(byte[] protobuf) => ExportLogsServiceRequest.Parser.ParseFrom(protobuf);

    public static byte[] Mutate(Random random, byte[] protobuf)
    {
        var request = Parse(protobuf);
        for (var m = 1 + random.Next(3); m > 0; m--)
        {
            MutateOnce(random, request);
        }

        return request.ToByteArray();
    }

    private static void MutateOnce(Random random, ExportLogsServiceRequest request)
    {
        if (request.ResourceLogs.Count == 0)
        {
            request.ResourceLogs.Add(new ResourceLogs());
        }

        var resource = request.ResourceLogs[random.Next(request.ResourceLogs.Count)];
        if (resource.ScopeLogs.Count == 0)
        {
            resource.ScopeLogs.Add(new ScopeLogs());
        }

        var scope = resource.ScopeLogs[random.Next(resource.ScopeLogs.Count)];
        if (scope.LogRecords.Count == 0)
        {
            scope.LogRecords.Add(new LogRecord());
        }

        var record = scope.LogRecords[random.Next(scope.LogRecords.Count)];
        switch (random.Next(15))
        {
            case 0:
                record.TimeUnixNano = Pick(random, Times);
                break;
            case 1:
                record.TimeUnixNano = 0;
                record.ObservedTimeUnixNano = Pick(random, Times);
                break;
            case 2:
                record.SeverityNumber = (SeverityNumber)Pick(random, [-1, 0, 1, 4, 5, 9, 21, 24, 25, 1000, int.MinValue, int.MaxValue]);
                break;
            case 3:
                record.SeverityText = Pick(random, ["", "FATAL", "Loud", "5", " warn ", new string('E', 5000)]);
                record.SeverityNumber = SeverityNumber.Unspecified;
                break;
            case 4:
                record.Body = OddValue(random, 0);
                break;
            case 5:
                record.Body = new AnyValue { StringValue = Template(random) };
                AddHoleValues(random, record);
                break;
            case 6:
                record.Attributes.Add(new KeyValue { Key = Pick(random, Keys), Value = OddValue(random, 0) });
                break;
            case 7:
                record.TraceId = RandomBytes(random, Pick(random, [0, 1, 8, 15, 16, 16, 17, 32]));
                record.SpanId = RandomBytes(random, Pick(random, [0, 1, 7, 8, 8, 9, 16]));
                break;
            case 8:
                record.EventName = Pick(random, ["", "x", new string('e', 2000), "é😀"]);
                break;
            case 9:
                scope.Scope = random.Next(3) == 0 ? null : new InstrumentationScope { Name = Pick(random, ["", "Payroll", new string('s', 2000)]), Version = "1" };
                break;
            case 10:
                resource.Resource ??= new Resource();
                resource.Resource.Attributes.Add(new KeyValue { Key = Pick(random, Keys), Value = OddValue(random, 0) });
                break;
            case 11:
                // Past MaxEventsPerBatch (10,000) now and then, with small records; else copies of this one, ~256 KB at most.
                var small = random.Next(8) == 0;
                var copies = small ? 10_001 : Math.Min(Pick(random, [2, 100]), Math.Max(2, 256 * 1024 / (record.CalculateSize() + 1)));
                for (var n = 0; n < copies; n++)
                {
                    scope.LogRecords.Add(small ? new LogRecord { Body = new AnyValue { StringValue = "x" } } : record.Clone());
                }

                break;
            case 12:
                record.Attributes.Add(new KeyValue
                {
                    Key = "exception.stacktrace",
                    Value = new AnyValue { StringValue = Pick(random, DotNetExceptionTexts) },
                });
                break;
            case 13:
                record.Flags = uint.MaxValue;
                record.DroppedAttributesCount = uint.MaxValue;
                resource.SchemaUrl = new string('u', 3000);
                break;
            default:
                resource.Resource = null;
                break;
        }
    }

    /// <summary>MEL-like templates with holes that name the seeds' attributes, and odd alignments and formats.</summary>
    public static string Template(Random random)
    {
        var parts = new List<string>();
        for (var n = 1 + random.Next(4); n > 0; n--)
        {
            parts.Add(Pick(random, FuzzTokens.Template));
        }

        return string.Join(" ", parts);
    }

    public static readonly string[] DotNetExceptionTexts =
    [
        "System.InvalidOperationException: outer failed\n ---> System.ArgumentException: inner bad\n   --- End of inner exception stack trace ---\n   at X.Y()",
        string.Concat(Enumerable.Repeat("System.Exception: a ---> ", 500)),
        "System.Exception:" + new string('\n', 3) + "   at ",
        "A.B" + string.Concat(Enumerable.Repeat(".C", 5000)) + ": m",
        " ---> ",
        "System.Exception: x\r\n   --- End of inner exception stack trace ---",
    ];

    private static void AddHoleValues(Random random, LogRecord record)
    {
        foreach (var (key, value) in new (string, AnyValue)[]
        {
            ("A", new AnyValue { IntValue = Pick(random, [0L, -1L, long.MinValue, long.MaxValue, 42L]) }),
            ("D", new AnyValue { DoubleValue = Pick(random, [double.NaN, double.PositiveInfinity, -0.0, double.Epsilon, 1e308, 12.5]) }),
            ("S", new AnyValue { StringValue = Pick(random, ["", "s", "{A}", "{{", new string('x', 1000)]) }),
            ("Arr", OddValue(random, 0)),
        })
        {
            if (random.Next(3) != 0)
            {
                record.Attributes.Add(new KeyValue { Key = key, Value = value });
            }
        }
    }

    private static AnyValue OddValue(Random random, int depth)
    {
        switch (random.Next(depth > 0 ? 9 : 11))
        {
            case 0: return new AnyValue { StringValue = Pick(random, ["", "\uFFFD", "é😀", "{A}", "{", new string('v', 20_000), "a\0b"]) };
            case 1: return new AnyValue { BoolValue = random.Next(2) == 0 };
            case 2: return new AnyValue { IntValue = Pick(random, [0L, -1L, long.MinValue, long.MaxValue]) };
            case 3: return new AnyValue { DoubleValue = Pick(random, [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue]) };
            case 4: return new AnyValue { BytesValue = RandomBytes(random, random.Next(50)) };
            case 5: return new AnyValue();
            case 6:
                var array = new ArrayValue();
                for (var n = random.Next(4); n > 0; n--)
                {
                    array.Values.Add(OddValue(random, depth + 1));
                }

                return new AnyValue { ArrayValue = array };
            case 7:
            case 8:
                var list = new KeyValueList();
                for (var n = random.Next(4); n > 0; n--)
                {
                    list.Values.Add(new KeyValue { Key = Pick(random, Keys), Value = depth < 4 ? OddValue(random, depth + 1) : null });
                }

                return new AnyValue { KvlistValue = list };
            default:
                // Nested arrays around the protobuf parser's recursion limit (100).
                var deep = new AnyValue { StringValue = "bottom" };
                for (var n = Pick(random, [30, 48, 49, 50, 60, 200]); n > 0; n--)
                {
                    deep = new AnyValue { ArrayValue = new ArrayValue { Values = { deep } } };
                }

                return deep;
        }
    }

    private static ByteString RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
