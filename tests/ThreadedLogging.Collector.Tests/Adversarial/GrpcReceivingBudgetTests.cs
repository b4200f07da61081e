using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using RpcStatus = ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto.Status;

namespace ThreadedLogging.Collector.Tests.Adversarial;

/// <summary>
/// OTLP/gRPC messages are read by the gRPC framework before the service runs, and were held outside
/// Collector:MaxReceivingBytes, which bounds every HTTP ingest body: many concurrent large exports held memory past the bound.
/// Their bytes now count against the same budget (and one sender's share) while received and held, given back when the call
/// ends; past it the export is refused RESOURCE_EXHAUSTED with a RetryInfo, as a full admission is.
/// </summary>
public sealed class GrpcReceivingBudgetTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    [Fact]
    public async Task OtlpGrpc_BudgetHeldByHttpBodies_ResourceExhaustedWithRetryInfoNamingTheSetting_ExportedOnceFreed()
    {
        // The smallest budget, 4 MiB, held whole by four HTTP bodies of 600,000 bytes (1 MiB arrays) from two addresses.
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=4194304", "--Collector:MinRequestBodyBytesPerSecond=0");
        var budget = collector.Services.GetRequiredService<BodyBudget>();
        var held = new List<RawHttp>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                held.Add(await ReceivingBudgetTests.StartBodyAsync(collector, "held-" + i, 600_000, ReceivingBudgetTests.Address(i % 2)));
            }

            Assert.Equal(4L * 1024 * 1024, budget.InUse);

            // From a third address, whose share is untouched: the whole budget refuses it.
            var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, Request("refused"), ReceivingBudgetTests.Address(2)));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.StartsWith("collector overloaded (request bodies hold ", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("Collector:MaxReceivingBytes is 4194304); retry after 2 s", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(2), RetryDelay(refused));
            Assert.Equal(4L * 1024 * 1024, budget.InUse);

            foreach (var connection in held)
            {
                await connection.SendAsync(ReceivingBudgetTests.Lines(600_000));
                var (status, head, body) = await connection.ReadResponseAsync();
                Assert.True(status == 200, head + body);
            }

            Assert.Equal(0, budget.InUse);
            await ExportAsync(collector, Request("exported"), ReceivingBudgetTests.Address(2));

            // Given back when the call ended (before its trailers were sent).
            Assert.Equal(0, budget.InUse);
            Assert.Equal(["exported"], await ExportedAsync(collector));
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public async Task OtlpGrpc_OneAddressHoldsItsShare_ItsExportRefusedNamingTheShare_AnotherAddressExported()
    {
        // 8 MiB + 64 KiB: one address's share is 4 MiB + 32 KiB, four bodies of 1,000,000 bytes (1 MiB arrays) leave 32 KiB
        // of it, less than the export's 60 KB message.
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync(
            "--Collector:MaxRequestBodyBytes=1048576", "--Collector:MaxReceivingBytes=8454144", "--Collector:MinRequestBodyBytesPerSecond=0");
        var budget = collector.Services.GetRequiredService<BodyBudget>();
        var held = new List<RawHttp>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                held.Add(await ReceivingBudgetTests.StartBodyAsync(collector, "greedy-" + i, 1_000_000, IPAddress.Loopback));
            }

            Assert.Equal(4L * 1024 * 1024, budget.HeldBy("127.0.0.1"));

            var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, Request("refused"), IPAddress.Loopback));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.StartsWith("collector overloaded (request bodies from 127.0.0.1 hold ", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("one sender's share of Collector:MaxReceivingBytes is 4227072); retry after 2 s", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(2), RetryDelay(refused));
            Assert.Equal(4L * 1024 * 1024, budget.HeldBy("127.0.0.1"));

            // Compressed (grpc-encoding: gzip), its ~200 bytes fit the share, the 60 KB it inflates to do not.
            var inflated = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, Request("inflated"), IPAddress.Loopback, gzip: true));
            Assert.Equal(StatusCode.ResourceExhausted, inflated.StatusCode);
            Assert.Contains("one sender's share of Collector:MaxReceivingBytes is 4227072); retry after 2 s", inflated.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(2), RetryDelay(inflated));
            Assert.Equal(4L * 1024 * 1024, budget.HeldBy("127.0.0.1"));

            // Another address's export is taken: the other half is everyone else's.
            await ExportAsync(collector, Request("other"), IPAddress.Parse("127.0.0.2"));
            Assert.Equal(["other"], await ExportedAsync(collector));
            Assert.Equal(0, budget.HeldBy("127.0.0.2"));

            foreach (var connection in held)
            {
                await connection.SendAsync(ReceivingBudgetTests.Lines(1_000_000));
                Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
            }

            Assert.Equal(0, budget.InUse);
            Assert.Equal(["other"], await ExportedAsync(collector));
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// A message longer than Collector:MaxRequestBodyBytes was refused by the gRPC framework's own check, "Received message
    /// exceeds the maximum configured message size.", which names neither the setting nor its value (an HTTP body's 413 says
    /// the limit). It is now refused RESOURCE_EXHAUSTED naming both, without a RetryInfo (sent again, it is refused again),
    /// its bytes given back; the next export is taken.
    /// </summary>
    [Fact]
    public async Task OtlpGrpc_MessageOverMaxRequestBodyBytes_ResourceExhaustedNamingTheSettingAndItsValue()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:MaxRequestBodyBytes=1048576");
        var large = OtlpIngestTests.Request(OtlpIngestTests.Record("large " + new string('x', 1_100_000)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, large, IPAddress.Loopback));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal($"message is {large.Length} bytes; the limit is 1048576 (Collector:MaxRequestBodyBytes)", refused.Status.Detail);
        Assert.Null(refused.Trailers.GetValueBytes("grpc-status-details-bin"));
        Assert.Equal(0, collector.Services.GetRequiredService<BodyBudget>().InUse);
        await ExportAsync(collector, Request("exported"), IPAddress.Loopback);
        Assert.Equal(["exported"], await ExportedAsync(collector));
    }

    /// <summary>
    /// Collector:RequestBodyTimeout bounded HTTP bodies only: a gRPC message could trickle in at Kestrel's minimum rate for as
    /// long as that took (1 MiB at 1 KiB/s: 17 minutes), holding its bytes of the budget, or with no minimum rate forever.
    /// </summary>
    [Fact]
    public async Task OtlpGrpc_MessageNotReceivedWithinRequestBodyTimeout_DeadlineExceededNamingTheSetting_BudgetGivenBack()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:RequestBodyTimeout=00:00:01", "--Collector:MinRequestBodyBytesPerSecond=0");
        using var http = new HttpClient(new SocketsHttpHandler());
        byte[] start = [0, 0, 0, 0x03, 0xE8, .. new byte[100]]; // a gRPC frame announcing 1,000 bytes, 100 of them, then nothing
        using var body = new RefusalAnswersTests.HeldContent(start);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{collector.OtlpGrpcPort}/opentelemetry.proto.collector.logs.v1.LogsService/Export")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");

        // A bound on a collector that never answers, not a timing: the answer comes once the second has passed.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("grpc-status").Single());
        Assert.Contains("request body not received within 00:00:01 (Collector:RequestBodyTimeout)", Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()), StringComparison.Ordinal);
        Assert.Equal(0, collector.Services.GetRequiredService<BodyBudget>().InUse);
        body.Release();
        await StillServing.AssertAsync(collector);
    }

    /// <summary>An export of one record whose body is <paramref name="word"/> and 60,000 bytes of padding.</summary>
    private static byte[] Request(string word) => OtlpIngestTests.Request(OtlpIngestTests.Record(word + " " + new string('x', 60_000)));

    /// <summary>The first word of each event stored from OTLP (app Tests, the resource's service.name).</summary>
    private static async Task<List<string>> ExportedAsync(CollectorFixture collector) =>
        [.. (await collector.EventsAsync("app=Tests")).Select(e => e.GetProperty("message").GetString()!.Split(' ')[0])];

    /// <summary>The RetryInfo's delay in a refusal's google.rpc.Status (the grpc-status-details-bin trailer).</summary>
    private static TimeSpan RetryDelay(RpcException e)
    {
        var details = e.Trailers.GetValueBytes("grpc-status-details-bin");
        Assert.NotNull(details);
        var status = RpcStatus.Parser.ParseFrom(details);
        Assert.Equal((int)e.StatusCode, status.Code);
        return Assert.Single(status.Details).Unpack<RetryInfo>().RetryDelay.ToTimeSpan();
    }

    /// <summary>One export through Grpc.Net.Client, on a connection from <paramref name="from"/> (a loopback address), its message gzip'd when <paramref name="gzip"/>.</summary>
    private static async Task ExportAsync(CollectorFixture collector, byte[] request, IPAddress from, bool gzip = false)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{collector.OtlpGrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
        var headers = gzip ? new Metadata { { "grpc-internal-encoding-request", "gzip" } } : null;
        await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(headers), request);
    }
}
