using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Grpc.Core;
using Grpc.Net.Compression;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// gRPC's <c>grpc-encoding: gzip</c> for OTLP/gRPC requests, inflating at most <c>Collector:MaxRequestBodyBytes</c> (as an
/// HTTP body's gunzip does): a gzip bomb is RESOURCE_EXHAUSTED once the limit is passed, never read to its end. And only
/// one whole gzip stream, as an HTTP body: <see cref="GZipStream"/> ends silently on a stream cut short (no trailer, so no
/// check), whose data may still parse as a message with fewer records; at its end the message's last 8 bytes must be the
/// CRC-32 and length of what it inflated to, or it is INVALID_ARGUMENT, nothing stored.
/// </summary>
internal sealed class CappedGzipProvider(long limit) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream)
    {
        var tail = new TailStream(stream);
        return new Capped(new GZipStream(tail, CompressionMode.Decompress), tail, limit);
    }

    private static RpcException Malformed(string why) => new(new Status(StatusCode.InvalidArgument, $"malformed gzip message: {why}"));

    /// <summary>A stream's bytes passed through, its last 8 kept: the gzip trailer once the stream has ended.</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyStream
    {
        private readonly byte[] _last = new byte[8];

        public long Total { get; private set; }

        /// <summary>Gets the last 8 bytes read (the trailer of a whole gzip stream), or null when fewer were.</summary>
        public ReadOnlySpan<byte> Last => Total < 8 ? default : _last;

        public override int Read(Span<byte> buffer) => Keep(buffer, inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Keep(buffer.Span, read);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Keep(Span<byte> buffer, int read)
        {
            var bytes = buffer[..read];
            if (bytes.Length >= 8)
            {
                bytes[^8..].CopyTo(_last);
            }
            else if (bytes.Length > 0)
            {
                _last.AsSpan(bytes.Length).CopyTo(_last); // shift the older bytes left, the new ones at the end
                bytes.CopyTo(_last.AsSpan(8 - bytes.Length));
            }

            Total += read;
            return read;
        }
    }

    private sealed class Capped(Stream inner, TailStream compressed, long limit) : ReadOnlyStream
    {
        private readonly Crc32 _crc = new();
        private long _read;

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer) => Count(buffer, inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Count(buffer.Span, read);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(Span<byte> buffer, int read)
        {
            _read += read;
            if (_read > limit)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"gzip message inflates past {limit} bytes (Collector:MaxRequestBodyBytes)"));
            }

            if (read > 0)
            {
                _crc.Append(buffer[..read]);
            }
            else if (!buffer.IsEmpty)
            {
                CheckWhole();
            }

            return read;
        }

        /// <summary>At the inflated end: the message's last 8 bytes are the CRC-32 and length of what it inflated to.</summary>
        private void CheckWhole()
        {
            var trailer = compressed.Last;
            if (trailer.IsEmpty
                || BinaryPrimitives.ReadUInt32LittleEndian(trailer) != _crc.GetCurrentHashAsUInt32()
                || BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != (uint)_read)
            {
                throw Malformed("the stream is cut short or followed by other data (its last 8 bytes are not the CRC-32 and length of its data)");
            }
        }
    }
}
