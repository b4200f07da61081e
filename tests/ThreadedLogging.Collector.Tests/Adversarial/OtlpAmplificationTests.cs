using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;
using ThreadedLogging.Collector.Ingest.Formats.Otlp;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using RpcStatus = ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto.Status;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// Review17: a small OTLP body of many empty messages was parsed whole before anything was counted: <c>0a 00</c> × 5,000,000
/// (10 MB, 9,749 bytes gzip'd) took the collector from 182 to 680 MB RSS and 16 s, answered 200; four at once under a 1 GiB
/// heap crashed it. Such bodies are now counted on the wire before any object is built, and refused.
/// </summary>
public sealed class OtlpAmplificationTests
{
    private const int Limit = 10_000; // Collector:MaxEventsPerBatch's default

    /// <summary>Bodies past a limit, each a few hundred KB at most, which the parse before grew ~50-fold.</summary>
    public static TheoryData<string, string, string> Bombs() => new()
    {
        { "empty resource_logs", "protobuf", "10001 resource_logs or more" },
        { "empty scope_logs in one resource_logs", "protobuf", "10001 scope_logs or more" },
        { "empty log records in one scope_logs", "protobuf", "batch has 10001 events or more" },
        { "empty attributes of one record", "protobuf", "more than 320000 elements" },
        { "unknown fields", "protobuf", "more than 320000 elements" },
        { "empty resource_logs", "json", "10001 resource_logs or more" },
        { "empty attributes of one record", "json", "more than 320000 elements" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Decode_BombBody_RefusedBeforeAnyOfItIsBuilt(string shape, string format, string reason)
    {
        var body = Body(shape, format);
        var identity = new IdentityPropertyOptions();
        var mapper = new OtlpLogMapper(identity);
        IEventDecoder decoder = format == "json" ? new OtlpJsonDecoder(mapper) : new OtlpProtobufDecoder(mapper);
        var limits = new IngestLimits(new CollectorOptions(), DateTimeOffset.UtcNow);
        var request = new IngestRequest(body, string.Empty, null);
        decoder.Decode(new IngestRequest(format == "json" ? "{}"u8.ToArray() : [0x0A, 0x00], string.Empty, null), limits); // the first call's own costs

        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<IngestRejectedException>(() => decoder.Decode(request, limits));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Before: no refusal, and the parse alone allocated tens of bytes per byte of the body.
        Assert.Equal(((int)HttpStatusCode.RequestEntityTooLarge, true), (refused.StatusCode, refused.Message.Contains(reason, StringComparison.Ordinal)));
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated deciding on a {body.Length}-byte body");
    }

    [Theory]
    [InlineData("application/x-protobuf", false)]
    [InlineData("application/x-protobuf", true)]
    [InlineData("application/json", false)]
    [InlineData("application/json", true)]
    public async Task Otlp_EmptyResourceLogsBomb_413StatusInTheRequestsEncodingNothingStored(string contentType, bool gzip)
    {
        await using var collector = await CollectorFixture.StartAsync();
        var json = contentType == "application/json";
        var body = Body("empty resource_logs", json ? "json" : "protobuf");
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/logs", UriKind.Relative)) { Content = new ByteArrayContent(gzip ? Http.Gzip(body) : body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (gzip)
        {
            message.Content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await collector.Client.SendAsync(message);

        // Before: 200, and 10,001 ResourceLogs built to find no record in them.
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = json ? JsonParser.Default.Parse<RpcStatus>(Encoding.UTF8.GetString(bytes)) : RpcStatus.Parser.ParseFrom(bytes);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, contentType, 3), (response.StatusCode, response.Content.Headers.ContentType?.MediaType, status.Code));
        Assert.Equal("OTLP body has 10001 resource_logs or more; the limit is 10000, one per log record at most (Collector:MaxEventsPerBatch)", status.Message);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task OtlpGrpc_EmptyResourceLogsBomb_InvalidArgumentNamingTheLimit()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{collector.OtlpGrpcPort}");
        var bytes = Marshallers.Create(b => b, b => b);
        var export = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", bytes, bytes);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(export, null, default, Body("empty resource_logs", "protobuf")));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("10001 resource_logs or more", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task Otlp_BatchAtEveryLimit_Stored()
    {
        // A resource_logs and a scope_logs per record (the most any exporter sends), each record with 15 attributes.
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxEventsPerBatch=100");
        var request = new ExportLogsServiceRequest();
        for (var i = 0; i < 100; i++)
        {
            var record = OtlpIngestTests.Record($"record {i}");
            for (var a = 0; a < 15; a++)
            {
                record.Attributes.Add(new KeyValue { Key = $"a{a}", Value = new AnyValue { IntValue = a } });
            }

            var scope = new ScopeLogs { LogRecords = { record } };
            request.ResourceLogs.Add(new ResourceLogs { Resource = new Resource(), ScopeLogs = { scope } });
        }

        var (status, response) = await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/logs", request.ToByteArray(), "application/x-protobuf");

        Assert.True(status == HttpStatusCode.OK, response);
        Assert.Equal(100, (await collector.EventsAsync()).Count);
    }

    /// <summary>A body of <paramref name="shape"/> past a limit, in protobuf or OTLP/JSON.</summary>
    private static byte[] Body(string shape, string format)
    {
        const int Containers = Limit + 1;
        const int Elements = 32 * Limit + 1;
        if (format == "json")
        {
            return Encoding.UTF8.GetBytes(shape == "empty resource_logs"
                ? $$"""{"resourceLogs":[{{string.Join(',', Enumerable.Repeat("{}", Containers))}}]}"""
                : $$"""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{{string.Join(',', Enumerable.Repeat("{}", Elements))}}]}]}]}]}""");
        }

        return shape switch
        {
            "empty resource_logs" => Repeat([0x0A, 0x00], Containers),
            "empty scope_logs in one resource_logs" => Field(1, Repeat([0x12, 0x00], Containers)),
            "empty log records in one scope_logs" => Field(1, Field(2, Repeat([0x12, 0x00], Limit + 1))),
            "empty attributes of one record" => Field(1, Field(2, Field(2, Repeat([0x32, 0x00], Elements)))),
            "unknown fields" => Repeat([0x78, 0x00], Elements), // field 15, varint 0: kept by the parser as an unknown field
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
    }

    private static byte[] Repeat(byte[] element, int count) => [.. Enumerable.Repeat(element, count).SelectMany(b => b)];

    /// <summary>Field <paramref name="number"/> holding <paramref name="message"/>, length-delimited.</summary>
    private static byte[] Field(int number, byte[] message)
    {
        using var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(number, WireFormat.WireType.LengthDelimited);
        coded.WriteBytes(ByteString.CopyFrom(message));
        coded.Flush();
        return output.ToArray();
    }
}
