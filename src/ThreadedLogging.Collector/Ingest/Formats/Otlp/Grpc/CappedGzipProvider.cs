using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// gRPC's <c>grpc-encoding: gzip</c> for OTLP/gRPC requests, inflating at most <c>Collector:MaxRequestBodyBytes</c> (as an
/// HTTP body's gunzip does): a gzip bomb is RESOURCE_EXHAUSTED once the limit is passed, never read to its end.
/// </summary>
internal sealed class CappedGzipProvider(long limit) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new Capped(new GZipStream(stream, CompressionMode.Decompress), limit);

    private sealed class Capped(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new RpcException(new Status(StatusCode.ResourceExhausted, $"gzip message inflates past {limit} bytes (Collector:MaxRequestBodyBytes)"))
                : read;
        }
    }
}
