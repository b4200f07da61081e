using System.Buffers;
using System.IO.Compression;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Decompresses a body that must be exactly one complete Brotli stream (<c>Content-Encoding: br</c>). Brotli carries no checksum,
/// and <see cref="BrotliStream"/> silently ends early on a stream cut short and ignores bytes after its end (as
/// <see cref="GZipStream"/> does, which the gzip trailer catches): <see cref="BrotliDecoder"/> tells both, and either throws
/// <see cref="InvalidDataException"/> here, so that a body is stored whole or refused (400), never in part.
/// </summary>
internal sealed class WholeBrotliStream(byte[] compressed, int length) : ReadOnlyStream
{
    private BrotliDecoder _decoder;
    private int _consumed;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.IsEmpty)
        {
            return 0;
        }

        var status = _decoder.Decompress(compressed.AsSpan(_consumed, length - _consumed), buffer, out var consumed, out var written);
        _consumed += consumed;
        switch (status)
        {
            case OperationStatus.Done:
                _done = true;
                return _consumed < length
                    ? throw new InvalidDataException($"the stream ends at byte {_consumed} of {length}, followed by other data")
                    : written;
            case OperationStatus.NeedMoreData when written == 0:
                // The decoder takes all the input it is given before asking for more: the body ended inside the stream.
                throw new InvalidDataException("the stream is cut short");
            case OperationStatus.InvalidData:
                throw new InvalidDataException("not a Brotli stream");
            default:
                // DestinationTooSmall, or NeedMoreData with bytes written: the next read goes on (or finds the stream cut short).
                return written;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
        }

        base.Dispose(disposing);
    }
}
