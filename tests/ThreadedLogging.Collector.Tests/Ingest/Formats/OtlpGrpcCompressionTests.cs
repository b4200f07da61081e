using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// OTLP/gRPC with <c>grpc-encoding: gzip</c> or <c>deflate</c> (gRPC's deflate is the zlib format; Python's grpcio sends it
/// for <c>Compression.Deflate</c>), Grpc.Net.Client against a real collector: a message whose stream is cut short is refused
/// whole. The cut here falls where the sender flushed after the first of two records (a sync flush: every byte of the first
/// record is in the stream by then), so what inflates is a valid request with one record. Another encoding is UNIMPLEMENTED
/// naming those taken (the framework's answer, as the gRPC spec has it).
/// </summary>
public sealed class OtlpGrpcCompressionTests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> Export = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);

    /// <summary>Before, GZipStream ended silently at the cut and the first record was stored: OK, one of two.</summary>
    [Theory]
    [InlineData("gzip", "malformed gzip message: the stream is cut short or followed by other data (its last 8 bytes are not the CRC-32 and length of its data)")]
    [InlineData("deflate", "malformed deflate message: the stream is cut short or followed by other data (its last 4 bytes are not the Adler-32 of its data)")]
    public async Task Export_StreamCutShortAfterTheFirstRecord_InvalidArgumentNothingStored(string encoding, string reason)
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        var (whole, cut) = CompressedTwoRecords(encoding, "first", "second");

        var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, new Precompressed(encoding, cut)));
        await ExportAsync(collector, new Precompressed(encoding, whole)); // the same records whole: taken

        Assert.Equal((StatusCode.InvalidArgument, reason), (refused.StatusCode, refused.Status.Detail));
        Assert.Equal(["second", "first"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    /// <summary>Before, UNKNOWN "Exception was thrown by handler." and an Error line with InvalidDataException's stack trace each time.</summary>
    [Theory]
    [InlineData("gzip", true, "CRC-32")]
    [InlineData("deflate", true, "Adler-32")]
    [InlineData("gzip", false, "CRC-32")]
    [InlineData("deflate", false, "Adler-32")]
    public async Task Export_ChecksumWrongOrNotCompressed_InvalidArgumentNothingStored(string encoding, bool compressed, string checksum)
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();
        var body = OtlpIngestTests.Request(OtlpIngestTests.Record("damaged"));
        if (compressed)
        {
            body = CompressedTwoRecords(encoding, "damaged", "too").Whole;
            body[encoding == "gzip" ? ^8 : ^1] ^= 0xFF; // gzip: the CRC-32's first byte; zlib: the Adler-32's last
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, new Precompressed(encoding, body)));

        Assert.Equal((StatusCode.InvalidArgument, $"malformed {encoding} message: not a {encoding} stream, or its data does not match its {checksum}"), (refused.StatusCode, refused.Status.Detail));
        Assert.Empty(await collector.EventsAsync());
    }

    /// <summary>Before, UNIMPLEMENTED "Unsupported grpc-encoding value 'deflate'. Supported encodings: identity, gzip".</summary>
    [Fact]
    public async Task Export_DeflateFromGrpcNetClient_Stored()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();

        await ExportAsync(collector, new DeflateCompressionProvider(CompressionLevel.Fastest), OtlpIngestTests.Request(OtlpIngestTests.Record("deflated")));

        Assert.Equal(["deflated"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Export_AnotherEncoding_UnimplementedNamingThoseTaken()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(collector, new Precompressed("snappy", OtlpIngestTests.Request(OtlpIngestTests.Record("x")))));

        Assert.Equal((StatusCode.Unimplemented, "Unsupported grpc-encoding value 'snappy'. Supported encodings: identity, gzip, deflate"), (refused.StatusCode, refused.Status.Detail));
        Assert.Empty(await collector.EventsAsync());
    }

    /// <summary>The request of two records compressed, whole, and cut where the sender flushed after the first.</summary>
    private static (byte[] Whole, byte[] Cut) CompressedTwoRecords(string encoding, string first, string second)
    {
        using var output = new MemoryStream();
        int cutAt;
        using (Stream compressed = encoding == "gzip" ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressed.Write(OtlpIngestTests.Request(OtlpIngestTests.Record(first))); // a request of two is the two concatenated
            compressed.Flush();
            cutAt = (int)output.Length;
            compressed.Write(OtlpIngestTests.Request(OtlpIngestTests.Record(second)));
        }

        var whole = output.ToArray();
        return (whole, whole[..cutAt]);
    }

    private static async Task ExportAsync(CollectorFixture collector, ICompressionProvider provider, byte[]? message = null)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{collector.OtlpGrpcPort}", new GrpcChannelOptions { CompressionProviders = [provider] });
        var compressed = new Metadata { { "grpc-internal-encoding-request", provider.EncodingName } };
        await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(compressed), message ?? []);
    }

    /// <summary>An encoding whose compression writes the given bytes, whatever the message: the test's stream as the sender's.</summary>
    private sealed class Precompressed(string name, byte[] bytes) : ICompressionProvider
    {
        public string EncodingName => name;

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new WrittenAtDispose(stream, bytes);

        public Stream CreateDecompressionStream(Stream stream) => name == "gzip" ? new GZipStream(stream, CompressionMode.Decompress) : new ZLibStream(stream, CompressionMode.Decompress);
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
