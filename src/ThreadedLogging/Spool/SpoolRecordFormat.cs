using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace ThreadedLogging;

/// <summary>
/// The framing of a spool record: <c>[payload length:int32][CRC-32 of event count and payload:uint32][event count:int32][payload]</c>,
/// little-endian. A record cut short by a crash, or whose checksum does not match, is detected and never sent as garbage.
/// The checksum covers the event count (the header's 4 bytes before the payload, then the payload: one pass over bytes
/// that lie together), so a damaged count fails it like a damaged payload; a damaged length reads the wrong bytes and
/// fails it too, and the reader finds the next whole record after it (<see cref="TryRead"/>). Records of earlier
/// versions, whose checksum covers the payload alone, are still read: their count is not vouched for
/// (<see cref="TryRead"/>'s <c>countChecked</c>), and the spool counts their events in their JSON. The payload is the batch's JSON envelope compressed with gzip (fastest level: about 16 times smaller for
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

        /// <summary>
        /// A record whose header failed — its checksum does not match, or its length does not lead to the next whole
        /// record — but whose payload a check vouches for: its checksum over the bytes up to the next whole record (only its
        /// length was damaged; <c>countChecked</c> for this version's coverage), or its gzip's own trailer, the CRC-32 and
        /// length of what it holds, at its end (only its header was: <see cref="GzipVouches"/>). Read as a
        /// <see cref="Record"/> is, and sent once; the stream is after it. Before, it was dropped, its payload whole.
        /// </summary>
        Recovered,

        /// <summary>
        /// Bytes from here to the next whole record found after them (a believable header whose checksum matches a whole
        /// record), the record here failed and its length not leading there, that no check matches: how many events they
        /// held is unknown, and none are counted (never a guess); the stream is at the next whole record.
        /// </summary>
        DamagedUncounted,
    }

    /// <summary>
    /// Compresses <paramref name="json"/> into <paramref name="output"/> after room for the header, its gzip header marked
    /// with whether it holds the handler's own drop notices (<see cref="HoldsNotices"/>); returns the whole record (header
    /// not yet filled).
    /// </summary>
    public static Span<byte> Pack(ReadOnlySpan<byte> json, MemoryStream output, bool holdsNotices)
    {
        output.SetLength(HeaderSize);
        output.Position = HeaderSize;
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        var record = output.GetBuffer().AsSpan(0, (int)output.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[(HeaderSize + GzipMtimeOffset)..], holdsNotices ? WithNotices : WithoutNotices);
        return record;
    }

    /// <summary>Where a gzip member's MTIME field starts (RFC 1952 §2.3: ID1 ID2 CM FLG, then MTIME, 4 bytes little-endian).</summary>
    private const int GzipMtimeOffset = 4;

    /// <summary>The MTIME of a record that holds none of the handler's drop notices: 1 (1970-01-01T00:00:01Z), never a file's time.</summary>
    private const uint WithoutNotices = 1;

    /// <summary>The MTIME of a record that holds one or more of the handler's drop notices: 2.</summary>
    private const uint WithNotices = 2;

    /// <summary>
    /// Whether a record's payload may hold the handler's own drop notices: false only for a gzip payload whose MTIME says
    /// it holds none (<see cref="Pack"/>). The mark is in the gzip header, not the record's: the record's header has no
    /// field a reader of the released format would pass over (a flag in its count or length is believed, or tears the
    /// record), while every gzip reader (that one's, the collector's, which takes the stored bytes as they are) ignores
    /// MTIME; .NET writes 0 there, so a record of an earlier version is unmarked, and may hold them. The payload must be
    /// vouched for by the record's checksum (a <see cref="ReadStatus.Record"/>): a recovered one's gzip trailer vouches for
    /// what it holds, not for its header.
    /// </summary>
    public static bool HoldsNotices(ReadOnlySpan<byte> payload) =>
        !IsGzip(payload) || payload.Length < GzipMtimeOffset + 4 || BinaryPrimitives.ReadUInt32LittleEndian(payload[GzipMtimeOffset..]) != WithoutNotices;

    /// <summary>
    /// Whether a record's payload carries this version's mark (MTIME 1 or 2, <see cref="Pack"/>): its batch's notices follow
    /// its app events, whose count its header holds; an earlier version's (MTIME 0) is unmarked.
    /// </summary>
    public static bool Marked(ReadOnlySpan<byte> payload) =>
        IsGzip(payload) && payload.Length >= GzipMtimeOffset + 4 && BinaryPrimitives.ReadUInt32LittleEndian(payload[GzipMtimeOffset..]) is WithoutNotices or WithNotices;

    /// <summary>Whether a record's payload is marked as holding drop notices (<see cref="Pack"/>; an unmarked one may too: <see cref="HoldsNotices"/>).</summary>
    public static bool MarkedWithNotices(ReadOnlySpan<byte> payload) =>
        IsGzip(payload) && payload.Length >= GzipMtimeOffset + 4 && BinaryPrimitives.ReadUInt32LittleEndian(payload[GzipMtimeOffset..]) == WithNotices;

    /// <summary>
    /// The batch id of a gzip payload (its envelope's first member), unzipping only its first bytes; null when it cannot
    /// be read.
    /// </summary>
    public static string? BatchIdOf(ArraySegment<byte> payload)
    {
        try
        {
            using var input = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            Span<byte> start = stackalloc byte[128]; // {"batchId":"<32 hex digits>" and more
            return SpoolSerializer.ReadBatchId(start[..gzip.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)]);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            return null;
        }
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
    /// it can be read, is the best count of what is lost), and the records after it are read on; on
    /// <see cref="ReadStatus.Recovered"/> the record is read as a record is (its payload perhaps in an array of its own), its
    /// header damaged but its payload vouched for; on
    /// <see cref="ReadStatus.DamagedUncounted"/> they are skipped, and their events are unknown.
    /// </summary>
    /// <remarks>
    /// A record that fails (its checksum does not match, or its header is garbage or runs past the end) may have a damaged
    /// length, and the stream after it is then inside a record. Only then — never on the normal path — the rest of the
    /// segment is scanned, offset by offset, for the next whole record (<see cref="FindWholeRecord"/>): when it starts
    /// where the failed record's length says, that record is <see cref="ReadStatus.Corrupt"/> (it alone lost; so too when
    /// that length ends the file exactly), or <see cref="ReadStatus.Recovered"/> when its gzip vouches for its payload;
    /// when it starts elsewhere, the bytes before it are <see cref="ReadStatus.Recovered"/> when a check vouches for them
    /// (or <see cref="ReadStatus.DamagedUncounted"/>) and the records after them are read on (before, a damaged length
    /// lost the rest of the segment, neither sent nor counted); when there is none, it is <see cref="ReadStatus.Torn"/>:
    /// a tail cut short.
    /// </remarks>
    public static ReadStatus TryRead(Stream stream, ref byte[] buffer, out ArraySegment<byte> payload, out int eventCount, out bool countChecked)
    {
        var start = stream.Position;
        var status = ReadOne(stream, ref buffer, out payload, out eventCount, out countChecked);
        if (status is ReadStatus.Record or ReadStatus.End)
        {
            return status;
        }

        // Where the failed record's length says the next one starts (none when its header is garbage or runs past the end).
        var claimedEnd = status == ReadStatus.Corrupt ? stream.Position : -1;
        var tornCount = status == ReadStatus.Corrupt ? Believable(eventCount, payload.Count) : eventCount;

        // A scan into an array of its own (a failed record is rare): the corrupt payload stays readable. It reads from the
        // failed record as far as the next whole record, in a window that doubles (or grows to a candidate's end) until it
        // holds one, bounded by the segment: before, the rest of the segment for each failed record, at adoption and again
        // in the reader (measured, Release, a 4 MiB segment of 1,704 records, 20 lengths damaged: 46 MB read in 72 ms, now 5.5 MB in 0.7 ms).
        var available = stream.Length - start;
        var rest = new byte[(int)Math.Min(available, ScanWindow)];
        stream.Position = start;
        stream.ReadExactly(rest);
        int next;
        while ((next = FindWholeRecord(rest, available, out var needed)) < 0 && needed > 0)
        {
            var read = rest.Length;
            Array.Resize(ref rest, (int)Math.Min(available, Math.Max(needed, read * 2L)));
            stream.ReadExactly(rest.AsSpan(read));
        }

        if (claimedEnd >= 0 && (next == claimedEnd - start || (next < 0 && claimedEnd == stream.Length)))
        {
            // Its length leads to the next record: its count or its checksum is damaged, or its payload.
            stream.Position = claimedEnd;
            return GzipVouches(payload) ? ReadStatus.Recovered : ReadStatus.Corrupt;
        }

        if (next < 0)
        {
            eventCount = tornCount;
            payload = ArraySegment<byte>.Empty;
            countChecked = false;
            return ReadStatus.Torn;
        }

        var corruptPayload = payload;
        var corruptCount = eventCount;
        var skipped = Skipped(new ArraySegment<byte>(rest, 0, next), out payload, out eventCount, out countChecked);
        if (skipped == ReadStatus.DamagedUncounted && claimedEnd >= 0 && claimedEnd - start < next && StartsAsARecord(rest.AsSpan((int)(claimedEnd - start)), available - (claimedEnd - start)))
        {
            // No checksum vouches for the bytes up to the next whole record, but the failed record's length ends before it
            // at a believable header: the record after it is damaged too (a bad sector across several). This one alone is
            // corrupt, counted as one is, and the next read starts where its length says (diff review: both were skipped
            // together, uncounted). A length that ends in garbage was itself damaged: the bytes stay uncounted.
            (payload, eventCount, countChecked) = (corruptPayload, corruptCount, false);
            stream.Position = claimedEnd;
            return GzipVouches(payload) ? ReadStatus.Recovered : ReadStatus.Corrupt;
        }

        stream.Position = start + next;
        return skipped;
    }

    /// <summary>
    /// What the bytes before the next whole record held: the failed record's header and what follows it up to there. It is
    /// recovered when its checksum matches them (only its length was damaged), or its gzip's own trailer vouches for them
    /// (its length and count or checksum damaged); else its events are unknown.
    /// </summary>
    private static ReadStatus Skipped(ArraySegment<byte> bytes, out ArraySegment<byte> payload, out int eventCount, out bool countChecked)
    {
        payload = ArraySegment<byte>.Empty;
        eventCount = 0;
        countChecked = false;
        if (bytes.Count < HeaderSize)
        {
            return ReadStatus.DamagedUncounted;
        }

        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(CountOffset));
        var after = bytes.Slice(HeaderSize);
        if (Crc32.HashToUInt32(bytes.AsSpan(CountOffset)) == checksum)
        {
            (payload, eventCount, countChecked) = (after, count, true);
            return ReadStatus.Recovered;
        }

        if (Crc32.HashToUInt32(after) == checksum || GzipVouches(after))
        {
            // An earlier version's record (its checksum over the payload alone), or one whose gzip vouches for it: its
            // count is the caller's to check in its JSON.
            (payload, eventCount) = (after, count);
            return ReadStatus.Recovered;
        }

        return ReadStatus.DamagedUncounted;
    }

    /// <summary>
    /// Whether <paramref name="payload"/> is gzip whose own trailer — the CRC-32 and the length of what it holds, its last 8
    /// bytes — matches what it decompresses to: its data and its end are as written, whatever its record's header says.
    /// As strong a check as the header's checksum (CRC-32 too), over the JSON rather than the bytes stored: a damaged byte
    /// that changes no event (gzip's time stamp) passes, as it should. Plain JSON (an earlier version's) has no such check
    /// (a damaged letter in a message still parses) and never vouches. Called only for a record that failed.
    /// </summary>
    private static bool GzipVouches(ArraySegment<byte> payload)
    {
        if (!IsGzip(payload) || payload.Count < 18)
        {
            return false;
        }

        using var json = new MemoryStream();
        try
        {
            Unpack(payload, json);
        }
        catch (InvalidDataException)
        {
            return false;
        }

        var trailer = payload.AsSpan(payload.Count - 8);
        return Crc32.HashToUInt32(json.GetBuffer().AsSpan(0, (int)json.Length)) == BinaryPrimitives.ReadUInt32LittleEndian(trailer)
            && (uint)json.Length == BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
    }

    /// <summary>The first bytes of a segment read after a failed record to find the next whole one (<see cref="TryRead"/>): more only when it is not in them.</summary>
    private const int ScanWindow = 64 * 1024;

    /// <summary>
    /// Whether <paramref name="record"/> (its first bytes read) starts with a believable header: a length that fits in the
    /// <paramref name="room"/> bytes left in the segment from there, a payload that starts as gzip or JSON does.
    /// </summary>
    private static bool StartsAsARecord(ReadOnlySpan<byte> record, long room)
    {
        if (record.Length <= HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        if (length < 1 || length > room - HeaderSize)
        {
            return false;
        }

        // gzip's magic and its method (deflate, the only one), or an envelope's JSON (its batchId first): few offsets of
        // gzip data pass (1 in 16 million, and 1 in 65,536), so few false candidates make the scan read far.
        var payload = record.Slice(HeaderSize, Math.Min(length, record.Length - HeaderSize));
        return payload.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b, 8]) || payload.StartsWith("{\""u8);
    }

    /// <summary>
    /// The first offset after the start of <paramref name="bytes"/> (a segment from a failed record to its end) where a whole
    /// record lies: a believable header (a length that fits in what is left, a payload that starts as gzip or JSON does)
    /// whose checksum — this version's coverage or an earlier one's — matches; -1 when there is none. The header test
    /// leaves few offsets to checksum: in gzip data, a length that fits a 4 MiB segment is about one in 1,000, and a
    /// payload that starts as gzip (1 in 16 million) or as an envelope's JSON (1 in 65,536) does. <paramref name="bytes"/> may be the first of the
    /// <paramref name="available"/> bytes left: when what decides is past them, -1 and <paramref name="needed"/> how many to read.
    /// </summary>
    private static int FindWholeRecord(ReadOnlySpan<byte> bytes, long available, out long needed)
    {
        needed = 0;
        for (var at = 1; at <= available - HeaderSize; at++)
        {
            if (bytes.Length < available && at + HeaderSize + 3 > bytes.Length)
            {
                needed = bytes.Length * 2L; // a header (and its payload's first bytes) past what was read
                return -1;
            }

            var record = bytes[at..];
            if (!StartsAsARecord(record, available - at))
            {
                continue;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(record);
            if (HeaderSize + length > record.Length)
            {
                needed = at + HeaderSize + (long)length; // a believable header whose payload ends past what was read
                return -1;
            }

            var payload = record.Slice(HeaderSize, length);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
            if (Crc32.HashToUInt32(record.Slice(CountOffset, HeaderSize - CountOffset + length)) == checksum || Crc32.HashToUInt32(payload) == checksum)
            {
                return at;
            }
        }

        return -1;
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
        if (length is < 1 or > MaxPayload)
        {
            // Garbage (no record of any version is empty: twelve zero bytes, a zero-filled tail after a crash, passed as an
            // earlier version's empty record, whose checksum is 0): how many events it held is unknown.
            eventCount = 0;
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
