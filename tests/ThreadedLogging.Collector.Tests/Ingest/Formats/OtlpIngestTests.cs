using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>OTLP/HTTP bodies no real client here sends: OTLP/JSON, malformed variants, records over a limit (partial success).</summary>
public sealed class OtlpIngestTests
{
    private const ulong Nanos = 1_764_583_200_000_000_000; // 2025-12-01T10:00:00Z

    [Fact]
    public async Task OtlpJson_HexIdsStringInts_StoredAnswered200Json()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"Billing"}},{"key":"user.name","value":{"stringValue":"carol"}}]},
              "scopeLogs":[{"scope":{"name":"billing.api"},"logRecords":[
                {"timeUnixNano":"0","observedTimeUnixNano":"1764583200000000000","severityNumber":17,"severityText":"ERROR",
                 "body":{"kvlistValue":{"values":[{"key":"code","value":{"intValue":"42"}}]}},
                 "attributes":[{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}}],
                 "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","unknownField":1}]}]}]}
            """;

        var (status, response) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Http.Utf8(body), "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{ }", response);
        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("Error", stored.GetProperty("level").GetString());
        Assert.Equal("""{"code":42}""", stored.GetProperty("message").GetString());
        Assert.Equal("Billing", stored.GetProperty("app").GetString());
        Assert.Equal("carol", stored.GetProperty("user").GetString());
        Assert.Equal("billing.api", stored.GetProperty("category").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_583_200), stored.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("5b8efff798038103d269b633813fc60c", stored.GetProperty("context").GetProperty("traceId").GetString());
        Assert.Equal("eee19b7ec3c1b174", stored.GetProperty("context").GetProperty("spanId").GetString());
        Assert.True(stored.GetProperty("properties").GetProperty("tags")[1].GetBoolean());
    }

    [Fact]
    public async Task OtlpJson_RecordAttributesMeetResourceOnes_RecordWinsResourceIdentityItTookKeptAsProperty()
    {
        await using var collector = await CollectorFixture.StartAsync();
        string Attribute(string key, string value) => $$$"""{"key":"{{{key}}}","value":{"stringValue":"{{{value}}}"}}""";
        string Record(string body, params string[] attributes) =>
            $$$"""{"timeUnixNano":"{{{Nanos}}}","severityNumber":9,"body":{"stringValue":"{{{body}}}"},"attributes":[{{{string.Join(',', attributes)}}}]}""";
        var body = $$"""
            {"resourceLogs":[{"resource":{"attributes":[{{Attribute("service.name", "Billing")}},{{Attribute("enduser.id", "carol")}},
                {{Attribute("user.name", "carol-pc")}},{{Attribute("service.instance.id", "")}},{{Attribute("region", "eu")}}]},
              "scopeLogs":[{"logRecords":[{{Record("plain")}},{{Record("own user", Attribute("enduser.id", "dave"))}},
                {{Record("own region", Attribute("region", "us"))}},{{Record("own app", Attribute("Application", "Api"))}}]}]}]}
            """;

        var (status, response) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Http.Utf8(body), "application/json");

        Assert.True(status == HttpStatusCode.OK, response);
        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, e => e, StringComparer.Ordinal);
        var plain = events["plain"];
        Assert.Equal(("Billing", "carol"), (plain.GetProperty("app").GetString(), plain.GetProperty("user").GetString()));
        Assert.Equal("""{"user.name":"carol-pc","service.instance.id":"","region":"eu"}""", plain.GetProperty("properties").GetRawText());
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("instanceId").ValueKind);

        // The record's own enduser.id is the user and its property: the resource's of that name gives way.
        Assert.Equal("dave", events["own user"].GetProperty("user").GetString());
        Assert.Equal("""{"enduser.id":"dave","user.name":"carol-pc","service.instance.id":"","region":"eu"}""", events["own user"].GetProperty("properties").GetRawText());
        Assert.Equal("""{"region":"us","user.name":"carol-pc","service.instance.id":""}""", events["own region"].GetProperty("properties").GetRawText());

        // A record's Application outranks the resource's service.name for the app: service.name is then kept as a property.
        Assert.Equal("Api", events["own app"].GetProperty("app").GetString());
        Assert.Equal("""{"Application":"Api","user.name":"carol-pc","service.instance.id":"","region":"eu","service.name":"Billing"}""", events["own app"].GetProperty("properties").GetRawText());
    }

    public static TheoryData<string, string, string, string?> MalformedBodies() => new()
    {
        { "protobuf: not a message", "application/x-protobuf", "AAECAwQFBgc=", "malformed OTLP protobuf body" },
        { "protobuf: truncated", "application/x-protobuf", Convert.ToBase64String(Request(Record())[..^3]), "malformed OTLP protobuf body" },
        { "protobuf: 3-byte trace id", "application/x-protobuf", Convert.ToBase64String(Request(Record(traceId: [1, 2, 3]))), "log record 0: trace_id is 3 bytes" },
        { "protobuf: 4-byte span id", "application/x-protobuf", Convert.ToBase64String(Request(Record(spanId: [1, 2, 3, 4]))), "log record 0: span_id is 4 bytes" },
        { "json: not JSON", "application/json", Convert.ToBase64String(Http.Utf8("{nope")), "malformed OTLP JSON body" },
        { "json: wrong type", "application/json", Convert.ToBase64String(Http.Utf8("""{"resourceLogs":{"a":1}}""")), "malformed OTLP JSON body" },
        { "json: time not a number", "application/json", Convert.ToBase64String(Http.Utf8("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}""")), "malformed OTLP JSON body" },
        { "json: trace id not hex", "application/json", Convert.ToBase64String(Http.Utf8("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zzzzfff798038103d269b633813fc60c"}]}]}]}""")), "malformed OTLP JSON body: traceId" },
        { "protobuf: gzip cut short", "application/x-protobuf", Convert.ToBase64String(Http.Gzip(Request(Record()))[..^4]), null },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Otlp_MalformedBody_400StatusWithReasonNothingStored(string variant, string contentType, string base64, string? reason)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var gzip = variant.Contains("gzip", StringComparison.Ordinal);

        var (status, message) = await PostAsync(collector, Convert.FromBase64String(base64), contentType, gzip);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, message.Code);
        Assert.StartsWith(reason ?? "malformed gzip", message.Message, StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Otlp_UnsupportedContentType_415Status()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, message) = await PostAsync(collector, Http.Utf8("hello"), "text/plain", gzip: false);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/x-protobuf or application/json", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_OneRecordOverALimit_PartialSuccessOthersStored()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxEventBytes=4096");
        var large = Record(body: new string('m', 5000));

        using var response = await collector.Client.PostAsync(new Uri("v1/logs", UriKind.Relative), new ByteArrayContent(Request(Record(body: "kept"), large))
        {
            Headers = { { "Content-Type", "application/x-protobuf" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.StartsWith("log record 1: event is 50", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Collector:MaxEventBytes", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("kept", Assert.Single(await collector.EventsAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Otlp_ResourceOverTheEventLimit_EveryRecordRefusedNothingStored()
    {
        // Each record carries the resource's attributes: a large one counts against every record's limit (before, it was
        // copied into each record's properties unbounded: 10,000 records x 9 MiB from one request).
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxEventBytes=4096");
        var request = ExportLogsServiceRequest.Parser.ParseFrom(Request(Record(body: "one"), Record(body: "two")));
        request.ResourceLogs[0].Resource.Attributes.Add(new KeyValue { Key = "blob", Value = new AnyValue { StringValue = new string('r', 5000) } });

        using var response = await collector.Client.PostAsync(new Uri("v1/logs", UriKind.Relative), new ByteArrayContent(request.ToByteArray())
        {
            Headers = { { "Content-Type", "application/x-protobuf" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, answer.PartialSuccess.RejectedLogRecords);
        Assert.Contains("Collector:MaxEventBytes", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Otlp_OnlyExceptionAttributes_StoredWithNoProperties()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var record = Record("payment failed");
        foreach (var (key, value) in new[] { ("exception.type", "PaymentError"), ("exception.message", "card declined") })
        {
            record.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Request(record), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = Assert.Single(await collector.EventsAsync());
        Assert.Equal("PaymentError: card declined", stored.GetProperty("exception").GetProperty("text").GetString());
        // The exception.* attributes are the exception, not properties: none is left, so none is stored (not "{}").
        Assert.True(
            !stored.TryGetProperty("properties", out var properties) || properties.ValueKind == JsonValueKind.Null,
            $"properties: {properties}");
    }

    [Fact]
    public async Task Otlp_JavaException_TypeMessageAndStackAsSent()
    {
        await using var collector = await CollectorFixture.StartAsync();
        const string Stack = "java.lang.IllegalStateException: bad state\n\tat com.x.Y.z(Y.java:10)\n\tat com.x.Main.main(Main.java:3)\n";
        var record = Record("order failed");
        foreach (var (key, value) in new[] { ("exception.type", "java.lang.IllegalStateException"), ("exception.message", "bad state"), ("exception.stacktrace", Stack) })
        {
            record.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Request(record), "application/x-protobuf");

        // Its first line reads as a .NET exception's: before, it was read as one, and its message was every frame.
        Assert.Equal(HttpStatusCode.OK, status);
        var exception = Assert.Single(await collector.EventsAsync()).GetProperty("exception");
        Assert.Equal("java.lang.IllegalStateException", exception.GetProperty("type").GetString());
        Assert.Equal("bad state", exception.GetProperty("message").GetString());
        Assert.Equal(Stack, exception.GetProperty("stackTrace").GetString());
    }

    [Fact]
    public async Task Otlp_WrongKey_401()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=k1");

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Request(Record()), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(await collector.EventsAsync());
    }

    [Theory]
    [InlineData("application/x-protobuf", false)]
    [InlineData("application/json", false)]
    [InlineData("application/x-protobuf", true)]
    [InlineData("application/json", true)]
    public async Task Otlp_RefusedByKeyOrSize_StatusInTheRequestsEncoding(string contentType, bool tooLarge)
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=k1", "--Collector:MaxRequestBodyBytes=1024", "--Collector:MaxEventBytes=512");
        var request = Request(Record(tooLarge ? new string('x', 2000) : "hello"));
        var body = contentType == "application/json" ? Http.Utf8(JsonFormatter.Default.Format(ExportLogsServiceRequest.Parser.ParseFrom(request))) : request;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/logs", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        message.Headers.Add("X-Api-Key", tooLarge ? "k1" : "k2");

        using var response = await collector.Client.SendAsync(message);

        // The OTLP specification: a refusal's body is a google.rpc.Status, encoded as the request was (a key's 401 too).
        Assert.Equal(tooLarge ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = contentType == "application/json" ? JsonParser.Default.Parse<Status>(System.Text.Encoding.UTF8.GetString(bytes)) : Status.Parser.ParseFrom(bytes);
        Assert.Equal(tooLarge ? 3 : 16, status.Code); // INVALID_ARGUMENT, UNAUTHENTICATED
        if (tooLarge)
        {
            Assert.Contains("the limit is 1024", status.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("invalid API key: not one of the ingest keys (Collector:IngestApiKeys)", status.Message);
        }
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Otlp_BytesAttribute_Base64AsOtlpJsonMapsBytes()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var record = Record("Checksum {Digest}");
        record.Attributes.Add(new KeyValue { Key = "Digest", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) } });
        var bodyOfBytes = Record();
        bodyOfBytes.Body = new AnyValue { BytesValue = ByteString.CopyFrom(0xFF, 0xFE) };

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", Request(record, bodyOfBytes), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, status);
        // A bytes value reads as OTLP/JSON writes it, base64 (before: a message or identity had it in JSON quotes, "AQID").
        var messages = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["//4=", "Checksum AQID"], messages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("AQID", messages["Checksum AQID"].GetProperty("properties").GetProperty("Digest").GetString());
    }

    public static TheoryData<string, string> ResentBodies() => new()
    {
        { "application/x-protobuf", Convert.ToBase64String(Request(Record("one"), Record("two"), Record("three"))) },
        {
            // Records with no time_unix_nano (0: only the observed time): the same bytes again are still a resend.
            "application/json", Convert.ToBase64String(Http.Utf8("""
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"Billing"}}]},"scopeLogs":[{"logRecords":[
                  {"timeUnixNano":"0","observedTimeUnixNano":"1764583200000000000","severityNumber":9,"body":{"stringValue":"one"}},
                  {"timeUnixNano":"0","observedTimeUnixNano":"1764583200000000000","severityNumber":9,"body":{"stringValue":"two"}},
                  {"timeUnixNano":"0","observedTimeUnixNano":"1764583200000000000","severityNumber":9,"body":{"stringValue":"three"}}]}]}]}
                """))
        },
    };

    [Theory]
    [MemberData(nameof(ResentBodies))]
    public async Task Otlp_SameBodyTwice_StoredOnceBothAnswered200Success(string contentType, string base64)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Convert.FromBase64String(base64);

        var first = await ExportAsync(collector, body, contentType);
        var second = await ExportAsync(collector, body, contentType); // an exporter's retry after a lost answer

        Assert.Equal((HttpStatusCode.OK, contentType, null), first);
        Assert.Equal((HttpStatusCode.OK, contentType, null), second);
        Assert.Equal(["one", "three", "two"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OtlpGrpc_SameMessageTwice_StoredOnceBothOk()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{collector.OtlpGrpcPort}");
        var bytes = Grpc.Core.Marshallers.Create(b => b, b => b);
        var export = new Grpc.Core.Method<byte[], byte[]>(Grpc.Core.MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", bytes, bytes);
        var message = Request(Record("one"), Record("two"));

        var first = await channel.CreateCallInvoker().AsyncUnaryCall(export, null, default, message); // OK, or RpcException
        var second = await channel.CreateCallInvoker().AsyncUnaryCall(export, null, default, message);

        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(first).PartialSuccess);
        Assert.Null(ExportLogsServiceResponse.Parser.ParseFrom(second).PartialSuccess);
        Assert.Equal(["one", "two"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Otlp_TwoBodiesDifferingInOneRecord_BothStored()
    {
        await using var collector = await CollectorFixture.StartAsync();

        var first = await ExportAsync(collector, Request(Record("one"), Record("two")), "application/x-protobuf");
        var second = await ExportAsync(collector, Request(Record("one"), Record("two!")), "application/x-protobuf");

        Assert.Equal((HttpStatusCode.OK, "application/x-protobuf", null), first);
        Assert.Equal((HttpStatusCode.OK, "application/x-protobuf", null), second);
        Assert.Equal(["one", "one", "two", "two!"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    internal static LogRecord Record(string body = "hello", byte[]? traceId = null, byte[]? spanId = null) => new()
    {
        TimeUnixNano = Nanos,
        SeverityNumber = SeverityNumber.Info,
        Body = new AnyValue { StringValue = body },
        TraceId = ByteString.CopyFrom(traceId ?? new byte[16]),
        SpanId = ByteString.CopyFrom(spanId ?? []),
    };

    internal static byte[] Request(params LogRecord[] records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "tests" } };
        scope.LogRecords.AddRange(records);
        var resource = new ResourceLogs { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "Tests" } });
        resource.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resource);
        return request.ToByteArray();
    }

    /// <summary>The answer to an export: its status, media type and partial success (null when all was taken).</summary>
    private static async Task<(HttpStatusCode Status, string? MediaType, ExportLogsPartialSuccess? PartialSuccess)> ExportAsync(CollectorFixture collector, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await collector.Client.PostAsync(new Uri("v1/logs", UriKind.Relative), content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var answer = mediaType == "application/json"
            ? JsonParser.Default.Parse<ExportLogsServiceResponse>(System.Text.Encoding.UTF8.GetString(bytes))
            : ExportLogsServiceResponse.Parser.ParseFrom(bytes);
        return (response.StatusCode, mediaType, answer.PartialSuccess);
    }

    private static async Task<(HttpStatusCode Status, Status Message)> PostAsync(CollectorFixture collector, byte[] body, string contentType, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/logs", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await collector.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonParser.Default.Parse<Status>(System.Text.Encoding.UTF8.GetString(bytes))
            : Status.Parser.ParseFrom(bytes);
        return (response.StatusCode, status);
    }
}
