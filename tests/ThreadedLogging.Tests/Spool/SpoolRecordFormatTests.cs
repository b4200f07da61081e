using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ThreadedLogging.Tests.Spool;

/// <summary>The spool's records read back into one buffer reused record after record: each whole, checksums (over the event count and the payload) still checked.</summary>
public sealed class SpoolRecordFormatTests
{
    private static byte[] Json(int length, char fill) =>
        Encoding.UTF8.GetBytes("{\"batchId\":\"b\",\"x\":\"" + new string(fill, Math.Max(0, length - 22)) + "\"}");

    /// <summary>Writes each JSON as a gzip'd record, as the spool does, and returns the file's bytes.</summary>
    private static byte[] Records(params byte[][] jsons)
    {
        using var file = new MemoryStream();
        using var packed = new MemoryStream();
        foreach (var json in jsons)
        {
            var record = SpoolRecordFormat.Pack(json, packed, holdsNotices: false);
            SpoolRecordFormat.WriteHeader(record, eventCount: json.Length % 7);
            file.Write(record);
        }

        return file.ToArray();
    }

    [Fact]
    public void TryRead_LargerRecordThenSmallerOnes_EachReadWholeIntoOneBuffer()
    {
        // Random-ish content, so that the gzip'd payloads differ in size as the JSON does.
        var jsons = new[] { Json(200_000, 'a'), Json(100, 'b'), Json(5_000, 'c') };
        for (var i = 0; i < jsons[0].Length; i += 3)
        {
            jsons[0][i] = (byte)('a' + (i * 7919 % 26));
        }

        using var stream = new MemoryStream(Records(jsons));
        using var unpacked = new MemoryStream();
        byte[] buffer = [];
        byte[]? first = null;
        foreach (var json in jsons)
        {
            Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count, out var countChecked));
            Assert.Equal(json.Length % 7, count);
            Assert.True(countChecked); // this version's checksum covers the count
            Assert.True(SpoolRecordFormat.IsGzip(payload));
            Assert.Equal(json, SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
            first ??= buffer;
            Assert.Same(first, buffer); // the smaller records reuse the first one's buffer: no array per record
        }

        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_ZeroFilledTailAfterARecord_TornWithNoEventsCounted()
    {
        // A crash may leave a file's end zero-filled: twelve zero bytes passed as an earlier version's empty record (its
        // checksum, of nothing, is 0), so a 4 KiB tail read as 341 records, each an unreadable record in the self-log.
        var bytes = Records(Json(3_000, 'a'));
        using var stream = new MemoryStream([.. bytes, .. new byte[4096]]);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Torn, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost, out _));
        Assert.Equal(0, lost);
    }

    [Fact]
    public void TryRead_ChecksumWrongInARecordAfterALargerOne_Corrupt()
    {
        // The buffer still holds the larger record's bytes: the checksum is over this record's payload only.
        var bytes = Records(Json(50_000, 'a'), Json(3_000, 'b'));
        bytes[^3] ^= 0x55;
        using var stream = new MemoryStream(bytes);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _)); // after it: the next record, if any
    }

    [Fact]
    public void TryRead_TwoPayloadsDamagedSideBySide_EachCorruptAndCountedThenTheNextRecordReadWhole()
    {
        // A bad sector across two records: no checksum vouched for the bytes up to the third, so both were skipped
        // together as DamagedUncounted (0 events), though the first one's length said where the second began.
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        var second = SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes);
        DamagePayload(bytes, 0);
        DamagePayload(bytes, second);
        using var stream = new MemoryStream(bytes);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var first, out _));
        Assert.Equal(Json(3_000, 'a').Length % 7, first);
        Assert.Equal(second, stream.Position);
        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var next, out _));
        Assert.Equal(Json(2_000, 'b').Length % 7, next);
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_PayloadDamagedBeforeAWholeRecord_CorruptThenTheNextRecordReadWhole()
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        DamagePayload(bytes, 0);
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost, out _));
        Assert.Equal(Json(3_000, 'a').Length % 7, lost);
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _, out _));
        Assert.Equal(Json(2_000, 'b'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray()); // the look past the corrupt one left the stream at this record
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Theory]
    [InlineData("shorter")] // the stream after it would be 7 bytes into its own payload
    [InlineData("longer")] // … or 40 bytes into the next record
    [InlineData("huge")] // past the file's end: read as cut short
    [InlineData("above the most")] // more than a record may hold: a garbage header
    [InlineData("negative")]
    public void TryRead_LengthFieldDamagedMidSegment_RecoveredItsChecksumVouchingForTheRest_TheRecordsAfterItReadWhole(string damage)
    {
        // Before: torn, the rest of the segment neither sent nor counted (only a record cut short at the end is torn).
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Damaged(length, damage));
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Recovered, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var lost, out var countChecked));
        Assert.Equal((Json(3_000, 'a').Length % 7, true), (lost, countChecked)); // only its length was damaged: its checksum vouches for the rest
        Assert.Equal(Json(3_000, 'a'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out payload, out _, out _));
        Assert.Equal(Json(2_000, 'b'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out payload, out _, out _));
        Assert.Equal(Json(1_000, 'c'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_ManyLengthsDamagedInALargeSegment_EachFoundAgainReadingUpToTheNextRecord_NotTheRestOfTheSegment()
    {
        // Before, each failed record read (and allocated) the whole rest of its segment to find the next whole record, at
        // adoption and again in the reader: 20 damaged lengths in a 4 MiB segment read it about 10 times over (58 ms,
        // against 1 ms for the segment whole, Release). Records of 4 KB of gzip, and of 150 KB after some damaged ones
        // (the window read grows to a candidate's end).
        var random = new Random(14);
        byte[] Noise(int length) => Encoding.UTF8.GetBytes("{\"batchId\":\"b\",\"x\":\"" + string.Concat(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26)))) + "\"}");
        var jsons = Enumerable.Range(0, 300).Select(i => Noise(i % 30 == 1 ? 250_000 : 6_500)).ToArray();
        var bytes = Records(jsons);
        var starts = new List<int>();
        for (var at = 0; at < bytes.Length; at += SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)))
        {
            starts.Add(at);
        }

        var damaged = Enumerable.Range(0, 300).Where(i => i % 15 == 0).ToHashSet(); // 20, two before each large record
        foreach (var i in damaged)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(starts[i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(starts[i])) + 40);
        }

        using var stream = new ReadCountingStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];
        for (var i = 0; i < jsons.Length; i++)
        {
            Assert.Equal(damaged.Contains(i) ? SpoolRecordFormat.ReadStatus.Recovered : SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _, out _));
            Assert.Equal(jsons[i], SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        }

        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.True(stream.BytesRead < 2L * bytes.Length, $"{stream.BytesRead} bytes read for a segment of {bytes.Length}");
    }

    /// <summary>A segment in memory that counts the bytes read from it (a wrapper: a MemoryStream subclass reads a span through its array overload, counted twice).</summary>
    private sealed class ReadCountingStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => _inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(_inner.Read(buffer));

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _inner.Dispose();
            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }

    /// <summary>A record's length as damaged in the tests: shorter, longer, past any file, above the most a record holds, negative.</summary>
    internal static int Damaged(int length, string damage) => damage switch
    {
        "shorter" => length - 7,
        "longer" => length + 40,
        "huge" => 100_000_000,
        "above the most" => int.MaxValue,
        _ => -5,
    };

    [Fact]
    public void TryRead_LengthAndPayloadDamagedMidSegment_DamagedUncounted_TheRecordsAfterItReadWhole()
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'));
        DamagePayload(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, BinaryPrimitives.ReadInt32LittleEndian(bytes) - 7);
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.DamagedUncounted, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost, out _));
        Assert.Equal(0, lost); // no checksum vouches for its count: unknown, not guessed
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _, out _));
        Assert.Equal(Json(2_000, 'b'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_EarlierVersionsRecordLengthDamaged_RecoveredItsCountUnchecked()
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        AsAnEarlierVersionWroteIt(bytes.AsSpan(0, SpoolRecordFormat.HeaderSize + length));
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length + 40);
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Recovered, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _, out var countChecked));
        Assert.False(countChecked); // its checksum covers its payload alone: its JSON counts its events
        Assert.Equal(Json(3_000, 'a'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Theory]
    [InlineData(false)] // its payload cut short
    [InlineData(true)] // its header cut short
    public void TryRead_LastRecordCutShort_TornAfterTheWholeOnes(bool inItsHeader)
    {
        // A crash mid-append: no whole record follows, so it stays torn, as before.
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        var last = Records(Json(3_000, 'a'), Json(2_000, 'b')).Length;
        using var stream = new MemoryStream(bytes[..(inItsHeader ? last + 5 : bytes.Length - 5)]);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Torn, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost, out _));
        Assert.Equal(inItsHeader ? 0 : Json(1_000, 'c').Length % 7, lost);
    }

    [Fact]
    public void TryRead_UncompressedRecordOfAnEarlierVersion_ReadAsItsJson()
    {
        var json = Json(1_000, 'p');
        var record = new byte[SpoolRecordFormat.HeaderSize + json.Length];
        json.CopyTo(record, SpoolRecordFormat.HeaderSize);
        SpoolRecordFormat.WriteHeader(record, eventCount: 3);
        AsAnEarlierVersionWroteIt(record);
        using var stream = new MemoryStream(Records(Json(20_000, 'a')).Concat(record).ToArray());
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count, out var countChecked));
        Assert.Equal(3, count);
        Assert.False(countChecked); // its checksum covers the payload alone: the spool counts its events in its JSON
        Assert.Equal(json, SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
    }

    /// <summary>Damages a byte of the gzip CRC-32 at the end of the record at <paramref name="start"/>: no check vouches for its payload.</summary>
    internal static void DamagePayload(byte[] bytes, long start) =>
        bytes[start + SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((int)start)) - 6] ^= 0x55;

    [Theory]
    [InlineData("checksum")] // its header's CRC-32
    [InlineData("count and length")] // and its length too: the bytes up to the next record are its payload, gzip vouching
    [InlineData("gzip time stamp")] // a byte of its payload that changes no event: the spool's CRC fails, gzip's holds
    public void TryRead_HeaderDamagedGzipWhole_RecoveredWithItsPayload_TheNextRecordRead(string damage)
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        switch (damage)
        {
            case "checksum":
                bytes[5] ^= 0x55;
                break;
            case "count and length":
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 99_999);
                BinaryPrimitives.WriteInt32LittleEndian(bytes, length + 40);
                break;
            default:
                bytes[SpoolRecordFormat.HeaderSize + 5] ^= 0x55;
                break;
        }

        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Recovered, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _, out var countChecked));
        Assert.False(countChecked);
        Assert.Equal(Json(3_000, 'a'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.HeaderSize + length, stream.Position);
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_PlainJsonRecordsChecksumDamaged_CorruptNotRecovered()
    {
        // An earlier version's uncompressed record has no check of its own: JSON that parses vouches for nothing (a
        // damaged letter in a message still parses), so it stays corrupt, dropped and counted.
        var json = Json(1_000, 'p');
        var record = new byte[SpoolRecordFormat.HeaderSize + json.Length];
        json.CopyTo(record, SpoolRecordFormat.HeaderSize);
        SpoolRecordFormat.WriteHeader(record, eventCount: 3);
        AsAnEarlierVersionWroteIt(record);
        record[5] ^= 0x55;
        using var stream = new MemoryStream([.. record, .. Records(Json(2_000, 'b'))]);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    /// <summary>Re-frames a record as versions before the checked count did: its checksum over the payload alone.</summary>
    internal static void AsAnEarlierVersionWroteIt(Span<byte> record) =>
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(record[SpoolRecordFormat.HeaderSize..]));

    [Theory]
    [InlineData(99_999)] // more than the batch held (the reviewer's: Adopted 100,039, and Flush false for ever)
    [InlineData(3)] // fewer
    [InlineData(-5)] // negative: read as a garbage header, the rest of the segment skipped uncounted
    [InlineData(0)]
    public void TryRead_EventCountDamaged_RecoveredItsGzipVouchingForItsPayload_TheNextRecordRead(int damaged)
    {
        // The checksum covered the payload only: a damaged count was read as a whole record holding that many events.
        // Then it was Corrupt, dropped with its payload whole; its gzip's own CRC-32 and length vouch for it.
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), damaged);
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Recovered, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count, out var countChecked));
        Assert.Equal((damaged, false), (count, countChecked)); // unchecked: its JSON counts its events
        Assert.Equal(Json(3_000, 'a'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray()); // left readable by the look past it
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out payload, out _, out countChecked));
        Assert.True(countChecked);
        Assert.Equal(Json(2_000, 'b'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_EarlierVersionsGzipRecordThenThisVersions_BothRecordsOnlyThisVersionsCountChecked()
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'));
        var first = SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes);
        AsAnEarlierVersionWroteIt(bytes.AsSpan(0, first));
        using var stream = new MemoryStream(bytes);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var count, out var countChecked));
        Assert.Equal((Json(3_000, 'a').Length % 7, false), (count, countChecked));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out count, out countChecked));
        Assert.Equal((Json(2_000, 'b').Length % 7, true), (count, countChecked));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void TryRead_CutShortWithACountItsLengthCouldNotHold_TornCountingNone()
    {
        // A torn record's count cannot be checked (its payload is not all there): 99,999 events in a record of a few
        // dozen bytes is garbage, not 99,999 dropped.
        var bytes = Records(Json(100, 'a'));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        Assert.True(SpoolRecordFormat.MostEventsIn(length) < 99_999, $"a payload of {length} bytes");
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 99_999);
        using var stream = new MemoryStream(bytes[..^5]);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Torn, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost, out _));
        Assert.Equal(0, lost);
    }
}
