using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// OTLP/gRPC with <c>grpc-encoding: gzip</c> (Grpc.Net.Client against a real collector): a message whose gzip stream is cut
/// short is refused whole. The cut here falls where the sender flushed after the first of two records (a sync flush: every
/// byte of the first record is in the stream by then), so what inflates is a valid request with one record.
/// </summary>
public sealed class OtlpGrpcGzipTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    /// <summary>Before, GZipStream ended silently at the cut and the first record was stored: OK, one of two.</summary>
    [Fact]
    public async Task Export_GzipCutShortAfterTheFirstRecord_InvalidArgumentNothingStored()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        var (whole, cut) = GzipOfTwoRecords("first", "second");

        var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, cut));
        await ExportAsync(collector, whole); // the same records whole: taken

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("malformed gzip message: the stream is cut short", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["second", "first"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    /// <summary>The gzip of a request of two records, whole, and cut where the sender flushed after the first.</summary>
    private static (byte[] Whole, byte[] Cut) GzipOfTwoRecords(string first, string second)
    {
        using var output = new MemoryStream();
        int cutAt;
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(OtlpIngestTests.Request(OtlpIngestTests.Record(first))); // a request of two is the two concatenated
            gzip.Flush();
            cutAt = (int)output.Length;
            gzip.Write(OtlpIngestTests.Request(OtlpIngestTests.Record(second)));
        }

        var whole = output.ToArray();
        return (whole, whole[..cutAt]);
    }

    private static async Task ExportAsync(CollectorFixture collector, byte[] gzip)
    {
        using var channel = GrpcChannel.ForAddress(
            $"http://127.0.0.1:{collector.OtlpGrpcPort}",
            new GrpcChannelOptions { CompressionProviders = [new Precompressed(gzip)] });
        var compressed = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(compressed), []);
    }

    /// <summary>"gzip" whose compression writes the given bytes, whatever the message: the test's stream as the sender's.</summary>
    private sealed class Precompressed(byte[] gzip) : ICompressionProvider
    {
        public string EncodingName => "gzip";

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new WrittenAtDispose(stream, gzip);

        public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress);
    }

    private sealed class WrittenAtDispose(Stream target, byte[] bytes) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                target.Write(bytes);
            }

            base.Dispose(disposing);
        }
    }
}
