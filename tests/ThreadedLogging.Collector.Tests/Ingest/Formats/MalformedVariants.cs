using System.Text;
using Google.Protobuf;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// Issue 11: a malformed body of each format, as it is posted over HTTP and as an SQS message with its <c>tl-format</c>
/// (binary and <c>+gzip</c> bodies base64). Both transports go through the same decoder, so both refuse it with the same reason.
/// </summary>
internal static class MalformedVariants
{
    private const string GoodClef = """{"@t":"2026-11-30T10:00:00Z","@mt":"ok {N}","N":1}""";

    /// <summary>Gets every variant.</summary>
    public static IReadOnlyList<Variant> All { get; } =
    [
        Text("clef: not JSON", "clef", "ingest/clef", "application/vnd.serilog.clef", GoodClef + "\nnot json\n", "line 2: malformed JSON"),
        Text("clef: no time", "clef", "ingest/clef", "application/vnd.serilog.clef", GoodClef + "\n{\"@mt\":\"no time\"}", "line 2: '@t' (the event's time) is missing"),
        Text("clef: bad level", "clef", "api/events/raw?clef", "application/vnd.serilog.clef", GoodClef + "\n{\"@t\":\"2026-11-30T10:00:00Z\",\"@l\":3}", "line 2: '@l' must be a string"),
        Text("clef: @r not an array", "clef", "api/events/raw", "application/vnd.serilog.clef", GoodClef + "\n{\"@t\":\"2026-11-30T10:00:00Z\",\"@mt\":\"{A:0}\",\"@r\":\"x\"}", "line 2: '@r' must be an array"),
        Text("seq-json: no Events", "seq-json", "api/events/raw", "application/json", """{"events":[]}""", "expected {\"Events\":["),
        Text("seq-json: event not an object", "seq-json", "api/events/raw", "application/json", """{"Events":[1]}""", "event 0: not a JSON object"),
        Binary("otlp-protobuf: not a message", "otlp-protobuf", [0, 1, 2, 3, 4, 5, 6, 7], "malformed OTLP protobuf body"),
        Binary("otlp-protobuf: 3-byte trace id", "otlp-protobuf", OtlpIngestTests.Request(OtlpIngestTests.Record(traceId: [1, 2, 3])), "log record 0: trace_id is 3 bytes"),
        new("otlp-protobuf+gzip: cut short", "otlp-protobuf+gzip", "v1/logs", "application/x-protobuf", "gzip", Http.Gzip(OtlpIngestTests.Request(OtlpIngestTests.Record()))[..^4], "malformed gzip body"),
        Text("otlp-json: not JSON", "otlp-json", "v1/logs", "application/json", "{nope", "malformed OTLP JSON body"),
        Text("otlp-json: trace id not hex", "otlp-json", "v1/logs", "application/json", """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zzzzfff798038103d269b633813fc60c"}]}]}]}""", "malformed OTLP JSON body: traceId"),
        Text("json-batch: not JSON", "json-batch", "log/victim", "application/json", "{\"events\":[", "malformed JSON"),
        Text("json-batch: events not an array", "json-batch", "log/victim", "application/json", """{"events":{}}""", "field 'events' must be an array"),
        Text("json-batch: bad level", "json-batch", "api/events", "application/json", """{"events":[{"message":"m","level":"Loud"}]}""", "event 0"),
        Text("json-lines: bad second line", "json-lines", "log/victim", "application/x-ndjson", "{\"message\":\"a\"}\n{\"message\":\n", "malformed JSON (line 2)"),
        Text("python-form: bad percent escape", "python-form", "log/victim", "application/x-www-form-urlencoded", "name=a&msg=100%zz&levelno=20", "malformed form data"),
        Text("python-form: no msg", "python-form", "log/victim", "application/x-www-form-urlencoded", "name=a&levelno=20", "not a Python log record"),
        Text("seed-record: not an object", "seed-record", null, null, "[1]", "seed-record body is not a JSON object"),
        Text("seed-record: not JSON", "seed-record", null, null, "{nope", "seed-record body is not JSON"),
    ];

    private static Variant Text(string name, string format, string? url, string? contentType, string body, string reason) =>
        new(name, format, url, contentType, null, Encoding.UTF8.GetBytes(body), reason);

    private static Variant Binary(string name, string format, byte[] body, string reason) =>
        new(name, format, "v1/logs", "application/x-protobuf", null, body, reason);

    /// <summary>One malformed body.</summary>
    /// <param name="Name">What is wrong with it.</param>
    /// <param name="Format">The SQS <c>tl-format</c>.</param>
    /// <param name="Url">Where HTTP takes it, or null (SQS only).</param>
    /// <param name="ContentType">Its HTTP Content-Type.</param>
    /// <param name="ContentEncoding">Its HTTP Content-Encoding, or null.</param>
    /// <param name="Body">The bytes (compressed when <paramref name="ContentEncoding"/> is gzip).</param>
    /// <param name="Reason">The start of the reason both transports give.</param>
    public sealed record Variant(string Name, string Format, string? Url, string? ContentType, string? ContentEncoding, byte[] Body, string Reason)
    {
        /// <summary>Gets the SQS message body: text formats as they are, binary and gzip ones base64.</summary>
        public string SqsBody => Format.EndsWith("+gzip", StringComparison.Ordinal) || Format == "otlp-protobuf"
            ? Convert.ToBase64String(Body)
            : Encoding.UTF8.GetString(Body);

        /// <summary>The reason an HTTP answer gives, whichever protocol's error body it is.</summary>
        public static string ReasonOf(string? mediaType, byte[] body) => mediaType switch
        {
            "application/x-protobuf" => Status.Parser.ParseFrom(body).Message,
            _ => System.Text.Json.JsonDocument.Parse(body).RootElement is var root && root.TryGetProperty("error", out var error)
                ? error.GetString()!
                : JsonParser.Default.Parse<Status>(Encoding.UTF8.GetString(body)).Message,
        };
    }
}
