using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using RpcStatus = ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto.Status;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// Issue 11: how OTLP/HTTP, Seq/CLEF and OTLP/gRPC refuse a request, as their clients understand it: 429/503 with
/// <c>Retry-After</c> (gRPC: RESOURCE_EXHAUSTED/UNAVAILABLE with a <c>RetryInfo</c>) when the collector is overloaded or
/// its store is down, INVALID_ARGUMENT for bad data, UNAUTHENTICATED without the key; nothing of a refused request stored.
/// </summary>
public sealed class RefusalAnswersTests
{
    private const string Clef = """{"@t":"2026-11-30T10:00:00Z","@mt":"clef {N}","N":1}""";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    [Fact]
    public async Task Refusals_StoreUnavailable_503RetryAfterOrUnavailableWithRetryInfoNothingStored()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        var grpcPort = collector.OtlpGrpcPort;
        await collector.Services.GetRequiredService<IEventStore>().DisposeAsync();

        using var otlp = await PostAsync(collector, "v1/logs", OtlpIngestTests.Request(OtlpIngestTests.Record("otlp")), "application/x-protobuf");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, otlp.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), otlp.Headers.RetryAfter?.Delta);
        Assert.Equal(14, RpcStatus.Parser.ParseFrom(await otlp.Content.ReadAsByteArrayAsync()).Code);

        using var clef = await PostAsync(collector, "api/events/raw?clef", Http.Utf8(Clef), "application/vnd.serilog.clef");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, clef.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), clef.Headers.RetryAfter?.Delta);
        Assert.Contains("storage unavailable", await clef.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await AssertRetryAsync(grpcPort, StatusCode.Unavailable, TimeSpan.FromSeconds(5));

        Assert.Equal(0, await CountStoredAsync(collector));
    }

    [Fact]
    public async Task Refusals_AdmissionFull_429RetryAfterOrResourceExhaustedWithRetryInfoNothingStored()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:MaxPendingIngests=1", "--Collector:OverloadRetryAfter=00:00:03");
        var grpcPort = collector.OtlpGrpcPort;

        // A real fault: another connection holds SQLite's write lock, so the one admitted request waits in the writer.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Pooling=False");
        await blocker.OpenAsync();
        await ExecuteAsync(blocker, "BEGIN IMMEDIATE");
        var admission = collector.Services.GetRequiredService<IngestAdmission>();
        var atWork = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        admission.Admitted = () => atWork.TrySetResult();
        var held = PostAsync(collector, "api/events", Http.Utf8("""{"events":[{"message":"held"}]}"""), "application/json");
        await atWork.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a collector that never admits it, not a timing
        Assert.Equal(1, admission.Pending); // at work: held by the write lock

        using (var otlp = await PostAsync(collector, "v1/logs", OtlpIngestTests.Request(OtlpIngestTests.Record("otlp")), "application/x-protobuf"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, otlp.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), otlp.Headers.RetryAfter?.Delta);
            Assert.Equal(8, RpcStatus.Parser.ParseFrom(await otlp.Content.ReadAsByteArrayAsync()).Code);
        }

        using (var clef = await PostAsync(collector, "ingest/clef", Http.Utf8(Clef), "application/vnd.serilog.clef"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, clef.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), clef.Headers.RetryAfter?.Delta);
            Assert.Contains("overloaded", await clef.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await AssertRetryAsync(grpcPort, StatusCode.ResourceExhausted, TimeSpan.FromSeconds(3));

        await ExecuteAsync(blocker, "ROLLBACK");
        using (var admitted = await held)
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        Assert.Equal(["held"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task OtlpGrpc_WrongKeyOrBadData_UnauthenticatedOrInvalidArgumentNothingStored()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:IngestApiKeys:0=k1");
        var grpcPort = collector.OtlpGrpcPort;
        var good = OtlpIngestTests.Request(OtlpIngestTests.Record("good"));

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => ExportAsync(grpcPort, good))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => ExportAsync(grpcPort, good, "wrong"))).StatusCode);

        var garbage = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(grpcPort, [0, 1, 2, 3, 4, 5, 6, 7], "k1"));
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
        Assert.StartsWith("malformed OTLP protobuf body", garbage.Status.Detail, StringComparison.Ordinal);

        var badTrace = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(grpcPort, OtlpIngestTests.Request(OtlpIngestTests.Record(traceId: [1, 2, 3])), "k1"));
        Assert.Equal(StatusCode.InvalidArgument, badTrace.StatusCode);
        Assert.StartsWith("log record 0: trace_id is 3 bytes", badTrace.Status.Detail, StringComparison.Ordinal);

        Assert.Empty(ExportLogsServiceResponse.Parser.ParseFrom(await ExportAsync(grpcPort, good, "k1")).PartialSuccess?.ErrorMessage ?? string.Empty);
        Assert.Equal(["good"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task OtlpGrpc_NoKey_UnauthenticatedBeforeTheMessageIsRead()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:IngestApiKeys:0=k1");
        var grpcPort = collector.OtlpGrpcPort;
        using var http = new HttpClient(new SocketsHttpHandler());
        using var body = new HeldContent([0, 0, 0x89, 0x54, 0x40]); // a gRPC frame announcing 9 MB, and then nothing until released
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{grpcPort}/opentelemetry.proto.collector.logs.v1.LogsService/Export")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");

        // The answer comes while the message is still held: the key was checked before it was read (a guard, not a timing).
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("16", response.Headers.GetValues("grpc-status").Single());
        body.Release();
        Assert.Empty(await collector.EventsAsync());
    }

    [Fact]
    public async Task RunAsync_DecoderDefect_500LoggedWithFormatNothingStored()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);
        var endpoint = collector.Services.GetRequiredService<IngestEndpoint>();

        // A fake only for a fault nothing real can make: a decoder with a bug.
        var outcome = await endpoint.RunAsync(new DefectiveDecoder(), "victim", null,
            _ => Task.FromResult(new ReceivedBody(Http.Utf8("{}"), ContentCoding.Identity)), CancellationToken.None);

        Assert.Equal(500, outcome.StatusCode);
        Assert.Null(outcome.RetryAfterSeconds);
        var line = Assert.Single(log.Entries, e => e.Exception is NullReferenceException);
        Assert.Contains("defective-format", line.Message, StringComparison.Ordinal);
        Assert.Empty(await collector.EventsAsync());
    }

    internal static async Task<byte[]> ExportAsync(int port, byte[] request, string? key = null)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var headers = new Metadata();
        if (key is not null)
        {
            headers.Add("x-api-key", key);
        }

        return await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(headers), request);
    }

    /// <summary>An export is refused with <paramref name="code"/> and a RetryInfo of <paramref name="delay"/> (google.rpc.Status in the grpc-status-details-bin trailer).</summary>
    private static async Task AssertRetryAsync(int port, StatusCode code, TimeSpan delay)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(port, OtlpIngestTests.Request(OtlpIngestTests.Record("grpc"))));
        Assert.Equal(code, e.StatusCode);
        var details = e.Trailers.GetValueBytes("grpc-status-details-bin");
        Assert.NotNull(details);
        var status = RpcStatus.Parser.ParseFrom(details);
        Assert.Equal((int)e.StatusCode, status.Code);
        Assert.Equal(delay, Assert.Single(status.Details).Unpack<RetryInfo>().RetryDelay.ToTimeSpan());
    }

    private static Task<HttpResponseMessage> PostAsync(CollectorFixture collector, string url, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return collector.Client.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    private static async Task<long> CountStoredAsync(CollectorFixture collector)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class DefectiveDecoder : IEventDecoder
    {
        public string Name => "defective-format";

        public bool IsText => true;

        public DecodedBatch Decode(IngestRequest request, IngestLimits limits) => throw new NullReferenceException("a parser bug");
    }

    /// <summary>
    /// A request body that sends <paramref name="first"/> and then nothing until released. A content type of our own, not
    /// <see cref="StreamContent"/>: HttpClient's HTTP/2 treats its own content types as not duplex and returns the response
    /// only once their body is sent or cancelled, which raced with the server's RST_STREAM under load (the test waited a
    /// minute for an answer already received); a content of our own is duplex, as gRPC's client's is.
    /// </summary>
    internal sealed class HeldContent(byte[] first) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(first, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await _released.Task.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
