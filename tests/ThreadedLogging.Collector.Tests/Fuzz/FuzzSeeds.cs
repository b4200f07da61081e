using System.Text;
using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Valid bodies of every format, shaped as the real clients send them (docs/WIRE-FORMAT.md, /work/shared/NOTES.md):
/// our JsonBatch writer, CPython's HTTPHandler, the seed's SQS record, Serilog.Sinks.Seq's CLEF, Seq's older JSON and
/// the OpenTelemetry .NET exporter; each uses the fields its decoder reads, so mutations reach every branch.
/// </summary>
internal static class FuzzSeeds
{
    private const string DotNetException =
        "System.InvalidOperationException: outer failed\r\n ---> System.ArgumentException: inner bad (Parameter 'amount')\r\n   --- End of inner exception stack trace ---\r\n   at Payroll.Run.Pay() in /src/Run.cs:line 10";

    private static readonly string JsonEvent =
        """{"timestamp":"2026-11-30T10:02:26.1234567Z","level":"Information","category":"Payroll.Run","eventId":12,"eventName":"Paid","template":"Paid {Employee} {Amount}","message":"Paid alice 12.5","properties":{"Employee":"alice","Amount":12.5,"Tags":["a","b"],"Nested":{"X":1}},"scopes":["Run 7",{"RunId":7}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","threadId":5,"threadName":"worker"}""";

    private static readonly string JsonErrorEvent =
        """{"timestamp":"2026-11-30T11:02:27+01:00","level":"Error","category":"Payroll.Run","message":"failed","exception":{"type":"System.InvalidOperationException","message":"outer failed","stackTrace":"   at X.Y()","text":"System.InvalidOperationException: outer failed","inner":[{"type":"System.ArgumentException","message":"inner bad"}]}}""";

    public static byte[][] JsonBatch { get; } = Utf8(
        """{"app":"Payroll","version":"2.3.1","user":"alice","machine":"PC-042","processId":4242,"events":[""" + JsonEvent + "," + JsonErrorEvent + "]}",
        """{"events":[{"message":"fine"},{"message":"more","level":4,"exception":"System.Exception: boom","properties":null,"user":"bob","app":"Other"}]}""",
        """{"batchId":"b-1","events":[{"template":"only a template {A}","timestamp":"2026-11-30T10:00:00Z","level":"Warning","eventId":-1}]}""");

    public static byte[][] JsonLines { get; } = Utf8(
        JsonEvent + "\n" + JsonErrorEvent + "\n",
        """{"message":"a","user":"carol","app":"X","version":"1","machine":"M"}""" + "\r\n\r\n" + """{"message":"b","level":"Debug"}""");

    /// <summary>CPython HTTPHandler POST bodies (urlencode of <c>record.__dict__</c>), ThreadedHttpHandler's, and a GET query string.</summary>
    public static byte[][] PythonForm { get; } =
    [
        Form(("name", "payroll"), ("msg", "Paid %s %d %.2f"), ("args", "('alice', 3, 12.5)"), ("levelname", "INFO"), ("levelno", "20"),
            ("pathname", "/app/run.py"), ("filename", "run.py"), ("module", "run"), ("exc_info", "None"), ("exc_text", "None"), ("stack_info", "None"),
            ("lineno", "42"), ("funcName", "pay"), ("created", "1764496946.123456"), ("msecs", "123.0"), ("relativeCreated", "1000.5"),
            ("thread", "140245"), ("threadName", "MainThread"), ("processName", "MainProcess"), ("process", "4242"), ("taskName", "None")),
        Form(("name", "payroll"), ("msg", "%(user)s paid %(amount)08.3f %(n)#x %(n)o %(n)c"), ("args", "{'user': 'bob', 'amount': 1.5, 'n': 255}"),
            ("levelname", "WARNING"), ("levelno", "30"), ("created", "1764496946")),
        Form(("name", "payroll"), ("msg", "failed %r"), ("args", "(KeyError('k'),)"), ("levelname", "ERROR"), ("levelno", "40"),
            ("exc_info", "(<class 'ZeroDivisionError'>, ZeroDivisionError('division by zero'), <traceback object at 0x7f12>)"),
            ("exc_text", "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nZeroDivisionError: division by zero")),
        Form(("name", "App.Worker"), ("msg", "Paid alice"), ("args", "()"), ("levelname", "ERROR"), ("levelno", "40"), ("user", "alice"),
            ("machine", "PC-042"), ("app", "Payroll"), ("revision", "7"), ("instanceId", "i-1"), ("sequence", "12"), ("exc_text", DotNetException)),
        Form(("name", "x"), ("msg", "%s %r %a %s %s %f %s %s %e %g %5.1s|%-6d|%+.3e"),
            ("args", "([1, 2, (3, 4)], {'k': {1, 2}}, 'é😀', None, True, -inf, b'x', '\\u00e9\\U0001f600\\x41', 1e-05, 123456789.0, 'abc', -3, 0.5)")),
        Encoding.ASCII.GetBytes("?name=a&msg=hello+%25s&args=%28%27w%27%2C%29&levelno=20&created=1764496946.5"),
    ];

    /// <summary>The seed's <c>seed-record</c>: the JSON of <c>record.__dict__</c>, numbers unquoted, None as null.</summary>
    public static byte[][] SeedRecord { get; } = Utf8(
        """{"name":"payroll","msg":"Paid %s %d","args":"('alice', 3)","levelname":"INFO","levelno":20,"pathname":"/app/run.py","lineno":42,"created":1764496946.123456,"msecs":123.0,"thread":140245,"process":4242,"exc_info":null,"exc_text":null,"user":"alice","revision":7,"app":"Payroll","machine":"PC-042","instanceId":"abc","sequence":3}""",
        """{"name":"x","msg":"%(a)s","args":"{'a': [1, 2]}","levelno":50,"created":0.5,"exc_text":"Traceback (most recent call last):\nValueError: bad"}""");

    /// <summary>Serilog.Sinks.Seq's compact JSON, one event per line.</summary>
    public static byte[][] Clef { get; } = Utf8(
        """{"@t":"2026-11-30T10:00:00.1234567Z","@mt":"Paid {Employee} {Amount:0.00} in {Elapsed,8} ms","@r":["12.50"],"@i":"1a2b3c4d","Employee":"alice","Amount":12.5,"Elapsed":7,"SourceContext":"Payroll.Run","UserName":"alice","Application":"Payroll","MachineName":"PC-042"}""" + "\n",
        """{"@t":"2026-11-30T10:00:01Z","@mt":"Failed {@Order} {Items} {A,5} {D} {S:l} {Arr}","@l":"Error","@x":""" + Json(DotNetException) + ""","Order":{"$type":"Order","Id":7,"Lines":[1,2]},"Items":["a",null,true],"@tr":"5b8efff798038103d269b633813fc60c","@sp":"eee19b7ec3c1b174","@@odd":"x","A":1,"D":1.5,"S":"s","Arr":[[1],{"k":"v"}]}""" + "\r\n"
        + """{"@t":"2026-11-30T10:00:02Z","@m":"rendered already","@l":"Verbose","@i":42}""");

    /// <summary>Seq's older raw JSON.</summary>
    public static byte[][] SeqJson { get; } = Utf8(
        """{"Events":[{"Timestamp":"2026-11-30T10:00:00Z","Level":"Information","MessageTemplate":"Paid {Employee} {A,5} {D:0.0}","RenderedMessage":"Paid \"alice\"     1 1.5","Properties":{"Employee":"alice","A":1,"D":1.5,"@odd":1,"SourceContext":"X"}},{"Timestamp":"2026-11-30T10:00:01Z","Level":"Error","MessageTemplate":"x","Exception":"System.Exception: boom"}]}""");

    /// <summary>What the OpenTelemetry .NET exporter sends (protobuf): resource, scope = category, MEL template as body with its values as attributes.</summary>
    public static byte[][] OtlpProtobuf { get; } = [OtlpRequest(withException: true).ToByteArray(), OtlpRequest(withException: false).ToByteArray()];

    /// <summary>OTLP/JSON: hex ids, enums as numbers, 64-bit integers as strings.</summary>
    public static byte[][] OtlpJson { get; } = Utf8(
        """{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"Billing"}},{"key":"user.name","value":{"stringValue":"carol"}},{"key":"process.pid","value":{"intValue":"4242"}}]},"scopeLogs":[{"scope":{"name":"billing.api"},"logRecords":[{"timeUnixNano":"0","observedTimeUnixNano":"1764583200000000000","severityNumber":17,"severityText":"ERROR","body":{"kvlistValue":{"values":[{"key":"code","value":{"intValue":"42"}}]}},"attributes":[{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true},{"doubleValue":1.5},{"bytesValue":"AAE="}]}}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","unknownField":1}]}]}]}""",
        """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1764583200000000000","severityText":"Warning","body":{"stringValue":"Paid {Employee} {A,5:D3} {D:0.00}"},"attributes":[{"key":"Employee","value":{"stringValue":"alice"}},{"key":"A","value":{"intValue":"3"}},{"key":"D","value":{"doubleValue":2.5}}],"eventName":"Paid","flags":1}]}]}]}""");

    public static ExportLogsServiceRequest OtlpRequest(bool withException)
    {
        var resource = new Resource();
        foreach (var (key, value) in new (string, AnyValue)[]
        {
            ("service.name", new AnyValue { StringValue = "Payroll" }), ("service.version", new AnyValue { StringValue = "2.3.1" }),
            ("service.instance.id", new AnyValue { StringValue = "0f6c1d7e" }), ("telemetry.sdk.name", new AnyValue { StringValue = "opentelemetry" }),
            ("telemetry.sdk.language", new AnyValue { StringValue = "dotnet" }), ("host.name", new AnyValue { StringValue = "PC-042" }),
            ("process.pid", new AnyValue { IntValue = 4242 }), ("enduser.id", new AnyValue { StringValue = "alice" }),
        })
        {
            resource.Attributes.Add(new KeyValue { Key = key, Value = value });
        }

        var record = new LogRecord
        {
            TimeUnixNano = 1_764_583_200_000_000_000,
            ObservedTimeUnixNano = 1_764_583_200_100_000_000,
            SeverityNumber = withException ? SeverityNumber.Error : SeverityNumber.Info,
            SeverityText = withException ? "Error" : "Information",
            Body = new AnyValue { StringValue = "Paid {Employee} {Amount:0.00} {A,5} {D:E2} {Arr}" },
            TraceId = ByteString.CopyFrom(Convert.FromHexString("5b8efff798038103d269b633813fc60c")),
            SpanId = ByteString.CopyFrom(Convert.FromHexString("eee19b7ec3c1b174")),
            Flags = 1,
            EventName = "Paid",
        };
        foreach (var (key, value) in new (string, AnyValue)[]
        {
            ("Employee", new AnyValue { StringValue = "alice" }), ("Amount", new AnyValue { DoubleValue = 12.5 }), ("A", new AnyValue { IntValue = 3 }),
            ("D", new AnyValue { DoubleValue = 0.25 }), ("Arr", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { BoolValue = true } } } }),
        })
        {
            record.Attributes.Add(new KeyValue { Key = key, Value = value });
        }

        if (withException)
        {
            record.Attributes.Add(new KeyValue { Key = "exception.type", Value = new AnyValue { StringValue = "System.InvalidOperationException" } });
            record.Attributes.Add(new KeyValue { Key = "exception.message", Value = new AnyValue { StringValue = "outer failed" } });
            record.Attributes.Add(new KeyValue { Key = "exception.stacktrace", Value = new AnyValue { StringValue = DotNetException } });
        }

        var structured = new LogRecord
        {
            ObservedTimeUnixNano = 1_764_583_200_000_000_000,
            SeverityText = "WARN",
            Body = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "code", Value = new AnyValue { IntValue = 42 } } } } },
        };
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Payroll.Run" }, LogRecords = { record, structured } };
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource, ScopeLogs = { scope } } } };
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static byte[] Form(params (string Name, string Value)[] fields) =>
        Encoding.UTF8.GetBytes(string.Join("&", fields.Select(f => PythonMutator.Escape(f.Name) + "=" + PythonMutator.Escape(f.Value))));

    private static byte[][] Utf8(params string[] bodies) => [.. bodies.Select(Encoding.UTF8.GetBytes)];
}
