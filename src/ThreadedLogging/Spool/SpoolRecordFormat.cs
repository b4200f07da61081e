using System.Buffers.Binary;
using System.IO.Hashing;

namespace ThreadedLogging;

/// <summary>
/// The framing of a spool record: <c>[payload length:int32][CRC-32 of payload:uint32][event count:int32][payload]</c>,
/// little-endian. A record cut short by a crash, or whose checksum does not match, is detected and
/// never sent as garbage.
/// </summary>
internal static class SpoolRecordFormat
{
    public const int HeaderSize = 12;
    public const int MaxPayload = 256 * 1024 * 1024;

    public enum ReadStatus
    {
        Record,
        End,
        Torn,
    }

    /// <summary>Fills the header of a record whose payload already follows it in <paramref name="record"/>.</summary>
    public static void WriteHeader(Span<byte> record, int eventCount)
    {
        var payload = record[HeaderSize..];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], eventCount);
    }

    /// <summary>Reads the record at the stream's position; on <see cref="ReadStatus.Torn"/> the rest of the file is unusable.</summary>
    public static ReadStatus TryRead(Stream stream, out byte[] payload, out int eventCount)
    {
        payload = [];
        eventCount = 0;
        Span<byte> header = stackalloc byte[HeaderSize];
        var got = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (got == 0)
        {
            return ReadStatus.End;
        }

        if (got < HeaderSize)
        {
            return ReadStatus.Torn;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        eventCount = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (length is < 0 or > MaxPayload || eventCount < 0 || length > stream.Length - stream.Position)
        {
            return ReadStatus.Torn;
        }

        payload = new byte[length];
        stream.ReadExactly(payload);
        return Crc32.HashToUInt32(payload) == checksum ? ReadStatus.Record : ReadStatus.Torn;
    }
}
