using System.Text;

namespace ThreadedLogging.Tests.Spool;

/// <summary>The spool's records read back into one buffer reused record after record: each whole, checksums still checked.</summary>
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
            var record = SpoolRecordFormat.Pack(json, packed);
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
            Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count));
            Assert.Equal(json.Length % 7, count);
            Assert.True(SpoolRecordFormat.IsGzip(payload));
            Assert.Equal(json, SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
            first ??= buffer;
            Assert.Same(first, buffer); // the smaller records reuse the first one's buffer: no array per record
        }

        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
    }

    [Fact]
    public void TryRead_ChecksumWrongInARecordAfterALargerOne_Corrupt()
    {
        // The buffer still holds the larger record's bytes: the checksum is over this record's payload only.
        var bytes = Records(Json(50_000, 'a'), Json(3_000, 'b'));
        bytes[^3] ^= 0x55;
        using var stream = new MemoryStream(bytes);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _)); // after it: the next record, if any
    }

    [Fact]
    public void TryRead_PayloadDamagedBeforeAWholeRecord_CorruptThenTheNextRecordReadWhole()
    {
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        bytes[SpoolRecordFormat.HeaderSize + 5] ^= 0x55; // inside the first record's payload
        using var stream = new MemoryStream(bytes);
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Corrupt, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost));
        Assert.Equal(Json(3_000, 'a').Length % 7, lost);
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out _));
        Assert.Equal(Json(2_000, 'b'), SpoolRecordFormat.Unpack(payload, unpacked).ToArray()); // the look past the corrupt one left the stream at this record
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.End, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
    }

    [Theory]
    [InlineData(-7)] // the stream after it would be 7 bytes into its own payload
    [InlineData(+40)] // … or 40 bytes into the next record
    public void TryRead_LengthFieldDamaged_TornNotCorrupt(int change)
    {
        // The checksum covers the payload only: a wrong length also fails it, and the reader must not go on from inside a
        // record, where it read garbage or skipped records without counting them (diff review of 7816585).
        var bytes = Records(Json(3_000, 'a'), Json(2_000, 'b'), Json(1_000, 'c'));
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, length + change);
        using var stream = new MemoryStream(bytes);
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Torn, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out var lost));
        Assert.Equal(Json(3_000, 'a').Length % 7, lost); // what its header says, as for a record cut short
    }

    [Fact]
    public void TryRead_UncompressedRecordOfAnEarlierVersion_ReadAsItsJson()
    {
        var json = Json(1_000, 'p');
        var record = new byte[SpoolRecordFormat.HeaderSize + json.Length];
        json.CopyTo(record, SpoolRecordFormat.HeaderSize);
        SpoolRecordFormat.WriteHeader(record, eventCount: 3);
        using var stream = new MemoryStream(Records(Json(20_000, 'a')).Concat(record).ToArray());
        using var unpacked = new MemoryStream();
        byte[] buffer = [];

        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out _, out _));
        Assert.Equal(SpoolRecordFormat.ReadStatus.Record, SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count));
        Assert.Equal(3, count);
        Assert.Equal(json, SpoolRecordFormat.Unpack(payload, unpacked).ToArray());
    }
}
