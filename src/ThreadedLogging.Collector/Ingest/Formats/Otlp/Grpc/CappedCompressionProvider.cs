using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Grpc.Core;
using Grpc.Net.Compression;

namespace ThreadedLogging.Collector.Ingest.Formats.Otlp.Grpc;

/// <summary>
/// gRPC's <c>grpc-encoding</c> <c>gzip</c> and <c>deflate</c> for OTLP/gRPC requests (gRPC's deflate is the zlib format,
/// RFC 1950, what Python's grpcio sends for <c>Compression.Deflate</c>), inflating at most <c>Collector:MaxRequestBodyBytes</c>
/// (as an HTTP body's decompression does): a bomb is RESOURCE_EXHAUSTED once the limit is passed, never read to its end.
/// And only one whole stream, as an HTTP body: <see cref="GZipStream"/> and <see cref="ZLibStream"/> end silently on a
/// stream cut short (no trailer, so no check), whose data may still parse as a message with fewer records; at its end the
/// message's last bytes must be the checksum of what it inflated to (gzip: the CRC-32 and length; zlib: the Adler-32), or
/// it is INVALID_ARGUMENT, nothing stored. Any other encoding the framework answers UNIMPLEMENTED with
/// <c>grpc-accept-encoding</c> naming these, as the gRPC specification has it.
/// </summary>
internal sealed class CappedCompressionProvider : ICompressionProvider
{
    private readonly bool _gzip;
    private readonly long _limit;

    private CappedCompressionProvider(bool gzip, long limit)
    {
        _gzip = gzip;
        _limit = limit;
    }

    public string EncodingName => _gzip ? "gzip" : "deflate";

    /// <summary>gzip (RFC 1952): its last 8 bytes the CRC-32 and length of the data.</summary>
    public static CappedCompressionProvider Gzip(long limit) => new(gzip: true, limit);

    /// <summary>deflate as gRPC names it, the zlib format (RFC 1950): its last 4 bytes the Adler-32 of the data.</summary>
    public static CappedCompressionProvider Deflate(long limit) => new(gzip: false, limit);

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => _gzip
        ? new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true)
        : new ZLibStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream)
    {
        Trailer trailer = _gzip ? new GzipTrailer() : new ZlibTrailer();
        var tail = new TailStream(stream, trailer.Length);
        Stream inflating = _gzip ? new GZipStream(tail, CompressionMode.Decompress) : new ZLibStream(tail, CompressionMode.Decompress);
        return new Capped(inflating, tail, trailer, EncodingName, _limit);
    }

    /// <summary>What a stream's last bytes must be once it has inflated: a checksum of the data, given it as it inflates.</summary>
    private abstract class Trailer
    {
        public abstract int Length { get; }

        /// <summary>Gets what the trailer should be, for the refusal.</summary>
        public abstract string Holds { get; }

        /// <summary>Gets the checksum's name, for the refusal of data that does not match it.</summary>
        public abstract string Checksum { get; }

        public abstract void Append(ReadOnlySpan<byte> data);

        public abstract bool Matches(ReadOnlySpan<byte> trailer, long length);
    }

    private sealed class GzipTrailer : Trailer
    {
        private readonly Crc32 _crc = new();

        public override int Length => 8;

        public override string Holds => "the CRC-32 and length of its data";

        public override string Checksum => "CRC-32";

        public override void Append(ReadOnlySpan<byte> data) => _crc.Append(data);

        public override bool Matches(ReadOnlySpan<byte> trailer, long length) =>
            BinaryPrimitives.ReadUInt32LittleEndian(trailer) == _crc.GetCurrentHashAsUInt32()
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)length;
    }

    private sealed class ZlibTrailer : Trailer
    {
        private readonly Adler32 _adler = new();

        public override int Length => 4;

        public override string Holds => "the Adler-32 of its data";

        public override string Checksum => "Adler-32";

        public override void Append(ReadOnlySpan<byte> data) => _adler.Append(data);

        public override bool Matches(ReadOnlySpan<byte> trailer, long length) => BinaryPrimitives.ReadUInt32BigEndian(trailer) == _adler.Value;
    }

    /// <summary>A stream's bytes passed through, its last <c>length</c> kept: the trailer once the stream has ended.</summary>
    private sealed class TailStream(Stream inner, int length) : ReadOnlyStream
    {
        private readonly byte[] _last = new byte[length];

        public long Total { get; private set; }

        /// <summary>Gets the last bytes read (the trailer of a whole stream), or empty when fewer were.</summary>
        public ReadOnlySpan<byte> Last => Total < _last.Length ? default : _last;

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
            if (bytes.Length >= _last.Length)
            {
                bytes[^_last.Length..].CopyTo(_last);
            }
            else if (bytes.Length > 0)
            {
                _last.AsSpan(bytes.Length).CopyTo(_last); // shift the older bytes left, the new ones at the end
                bytes.CopyTo(_last.AsSpan(_last.Length - bytes.Length));
            }

            Total += read;
            return read;
        }
    }

    private sealed class Capped(Stream inner, TailStream compressed, Trailer trailer, string encoding, long limit) : ReadOnlyStream
    {
        private long _read;

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return Count(buffer, inner.Read(buffer));
            }
            catch (InvalidDataException)
            {
                throw Malformed();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw Malformed();
            }

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

        /// <summary>
        /// zlib's refusal (not a gzip or zlib stream, a damaged block, a checksum that does not match): INVALID_ARGUMENT, as
        /// HTTP's 400. Left to the framework it was UNKNOWN and an Error line with a stack trace for each such message.
        /// </summary>
        private RpcException Malformed() => new(new Status(StatusCode.InvalidArgument,
            $"malformed {encoding} message: not a {encoding} stream, or its data does not match its {trailer.Checksum}"));

        private int Count(Span<byte> buffer, int read)
        {
            _read += read;
            if (_read > limit)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{encoding} message inflates past {limit} bytes (Collector:MaxRequestBodyBytes)"));
            }

            if (read > 0)
            {
                trailer.Append(buffer[..read]);
            }
            else if (!buffer.IsEmpty && (compressed.Last.IsEmpty || !trailer.Matches(compressed.Last, _read)))
            {
                // At the inflated end: the message's last bytes are the checksum of what it inflated to.
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"malformed {encoding} message: the stream is cut short or followed by other data (its last {trailer.Length} bytes are not {trailer.Holds})"));
            }

            return read;
        }
    }
}
