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
