using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ThreadedLogging;

/// <summary>
/// The framing of a spool record: <c>[payload length:int32][CRC-32 of event count and payload:uint32][event count:int32][payload]</c>,
/// little-endian. A record cut short by a crash, or whose checksum does not match, is detected and never sent as garbage.
/// The checksum covers the event count (the header's 4 bytes before the payload, then the payload: one pass over bytes
/// that lie together), so a damaged count fails it like a damaged payload; a damaged length reads the wrong bytes and
/// fails it too. Records of earlier versions, whose checksum covers the payload alone, are still read: their count is
/// not vouched for (<see cref="TryRead"/>'s <c>countChecked</c>), and the spool counts their events in
/// their JSON. The payload is the batch's JSON envelope compressed with gzip (fastest level: about 16 times smaller for
/// typical events, for ~80 ns of CPU per event); records written uncompressed by earlier versions (a payload starting
/// with <c>{</c>) are still read.
/// </summary>
internal static class SpoolRecordFormat
{
    public const int HeaderSize = 12;
    public const int MaxPayload = 256 * 1024 * 1024;

    /// <summary>Where the event count starts: the checksum covers the record from there (count, then payload).</summary>
    private const int CountOffset = 8;

    public enum ReadStatus
    {
        Record,
        End,
        Torn,

        /// <summary>
        /// A whole record (its believable header, its payload in the file) whose checksum does not match: it alone is
        /// unusable, and the stream is after it, where the next record starts.
        /// </summary>
        Corrupt,
    }

    /// <summary>Compresses <paramref name="json"/> into <paramref name="output"/> after room for the header; returns the whole record (header not yet filled).</summary>
    public static Span<byte> Pack(ReadOnlySpan<byte> json, MemoryStream output)
    {
        output.SetLength(HeaderSize);
        output.Position = HeaderSize;
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.GetBuffer().AsSpan(0, (int)output.Length);
    }

    /// <summary>Whether a payload is gzip (records of earlier versions were plain JSON, starting with <c>{</c>).</summary>
    public static bool IsGzip(ReadOnlySpan<byte> payload) => payload.Length >= 2 && payload[0] == 0x1f && payload[1] == 0x8b;

    /// <summary>
    /// The JSON of a record's payload: gunzipped into <paramref name="output"/> (reused record after record: a batch's JSON
    /// is often over 85 KB, and a new array each time would be a large-object allocation), or the payload itself when it
    /// was written uncompressed. Valid until the next call with the same output, and as long as the payload.
    /// </summary>
    /// <exception cref="InvalidDataException">The payload is not valid gzip.</exception>
    public static ReadOnlyMemory<byte> Unpack(ArraySegment<byte> payload, MemoryStream output)
    {
        if (!IsGzip(payload))
        {
            return payload;
        }

        output.SetLength(0);
        using (var input = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false))
        using (var gzip = new GZipStream(input, CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }

    /// <summary>Fills the header of a record whose payload already follows it in <paramref name="record"/>: its checksum covers the count and the payload.</summary>
    public static void WriteHeader(Span<byte> record, int eventCount)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, record.Length - HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(record[CountOffset..], eventCount);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(record[CountOffset..]));
    }

    /// <summary>
    /// The most events a record holds: one batch (<see cref="ThreadedHandlerOptions.BatchSize"/> is at most 100,000). A
    /// count the checksum does not vouch for (a torn record's, a corrupt one's whose JSON cannot be read) is believed only
    /// within this and <see cref="MostEventsIn"/> (diff review: a garbage count reached <c>Dropped</c> and the self-log).
    /// </summary>
    internal const int MaxEventsPerRecord = 100_000;

    /// <summary>
    /// The fewest bytes of JSON an event takes in an envelope (its <c>timestamp</c>, <c>level</c>, <c>category</c>,
    /// <c>message</c> and <c>sequence</c> names alone take more), and the most that deflate makes of one byte (1032:1).
    /// </summary>
    private const int MinEventJson = 48, MaxDeflateRatio = 1032;

    /// <summary>
    /// The most events a payload of <paramref name="payloadLength"/> bytes could hold, were it all events compressed as
    /// far as deflate goes: a header's count above it is garbage.
    /// </summary>
    public static int MostEventsIn(int payloadLength) =>
        (int)Math.Min(MaxEventsPerRecord, (long)payloadLength * MaxDeflateRatio / MinEventJson);

    /// <summary>A header's count the checksum does not vouch for: itself when a record of <paramref name="payloadLength"/> bytes could hold that many, else 0 (unknown).</summary>
    public static int Believable(int eventCount, int payloadLength) =>
        eventCount >= 0 && eventCount <= MostEventsIn(payloadLength) ? eventCount : 0;

    /// <summary>
    /// Reads the record at the stream's position into <paramref name="buffer"/>, which is reused record after record (made
    /// larger only for a larger record): <paramref name="payload"/> is valid until the next call with the same buffer.
    /// <paramref name="eventCount"/> is its header's count, vouched for by the checksum when <paramref name="countChecked"/>
    /// (this version's records); else — a record of an earlier version (its checksum covers the payload alone), or a
    /// corrupt one — the caller counts its events in its JSON. On <see cref="ReadStatus.Torn"/> the rest of the file is
    /// unusable, and <paramref name="eventCount"/> is how many events the torn record's header says it held, if its length
    /// could hold that many (<see cref="Believable"/>; 0 when the header itself is cut short or garbage); on
    /// <see cref="ReadStatus.Corrupt"/> only this record is, its <paramref name="payload"/> is read (what its JSON says, if
    /// it can be read, is the best count of what is lost), and the records after it are read on.
    /// </summary>
    /// <remarks>
    /// A record whose checksum does not match may have a damaged length, and the stream after it is then inside a record:
    /// it is believed <see cref="ReadStatus.Corrupt"/> (only it lost) only when what follows is the file's end or a record
    /// whose checksum matches; anything else makes it <see cref="ReadStatus.Torn"/>, the rest of the file unusable (diff
    /// review: a length 7 bytes short had the reader go on inside a record, and 30 events were neither sent nor counted
    /// while the self-log said they were sent).
    /// </remarks>
    public static ReadStatus TryRead(Stream stream, ref byte[] buffer, out ArraySegment<byte> payload, out int eventCount, out bool countChecked)
    {
        var status = ReadOne(stream, ref buffer, out payload, out eventCount, out countChecked);
        if (status != ReadStatus.Corrupt)
        {
            return status;
        }

        // A look at what follows, into a buffer of its own (a corrupt record is rare): the corrupt payload stays readable.
        var after = stream.Position;
        byte[] ahead = [];
        var next = ReadOne(stream, ref ahead, out _, out _, out _);
        stream.Position = after;
        if (next is ReadStatus.End or ReadStatus.Record)
        {
            return ReadStatus.Corrupt;
        }

        eventCount = Believable(eventCount, payload.Count);
        payload = ArraySegment<byte>.Empty;
        return ReadStatus.Torn;
    }

    private static ReadStatus ReadOne(Stream stream, ref byte[] buffer, out ArraySegment<byte> payload, out int eventCount, out bool countChecked)
    {
        payload = ArraySegment<byte>.Empty;
        eventCount = 0;
        countChecked = false;
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
        eventCount = BinaryPrimitives.ReadInt32LittleEndian(header[CountOffset..]);
        if (length is < 0 or > MaxPayload)
        {
            eventCount = 0; // the header itself is garbage: how many events it held is unknown
            return ReadStatus.Torn;
        }

        if (length > stream.Length - stream.Position)
        {
            // Cut short (a crash while writing): the header says how many events are lost, if its length could hold them.
            eventCount = Believable(eventCount, length);
            return ReadStatus.Torn;
        }

        var counted = HeaderSize - CountOffset;
        if (buffer.Length < counted + length)
        {
            // Not from ArrayPool: a send abandoned at shutdown may still read the payload after the spool is disposed.
            buffer = new byte[Math.Max(counted + length, Math.Min(MaxPayload + counted, buffer.Length * 2))];
        }

        // The count, then the payload, in one buffer: what this version's checksum covers, hashed in one pass.
        header[CountOffset..].CopyTo(buffer);
        payload = new ArraySegment<byte>(buffer, counted, length);
        stream.ReadExactly(payload);
        if (Crc32.HashToUInt32(buffer.AsSpan(0, counted + length)) == checksum)
        {
            countChecked = true;
            return ReadStatus.Record;
        }

        // An earlier version's record: its checksum covers the payload alone, and its count is the caller's to check.
        return Crc32.HashToUInt32(payload) == checksum ? ReadStatus.Record : ReadStatus.Corrupt;
    }
}
