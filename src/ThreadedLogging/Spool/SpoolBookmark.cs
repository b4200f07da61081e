using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ThreadedLogging;

/// <summary>
/// Where a spool directory's delivery stands, so that a next start does not send (and count) again what was settled:
/// the file <c>bookmark.v2</c> beside the segments (<see cref="FileNameOf"/>), one fixed-size record overwritten in place (<see cref="Size"/> bytes,
/// one write, within a disk sector) and checked by a CRC-32: <c>["TLBM"][offset:int64][settled events:int32][of them
/// the app's:int32][name length:uint8][segment name, UTF-8, padded][CRC-32 of the bytes before it:uint32]</c>,
/// little-endian. It names the directory's oldest segment, the offset of its first record not yet acknowledged, and
/// how many of that record's first events are settled (a record held for content refusals: its first events dropped,
/// the rest waiting the backoff; or split, its first halves delivered or refused). Not fsynced: the segments' own writes are not either until a round's end, and a kill
/// loses neither (the page cache has them); a power cut may lose the last writes, and then a batch or a few are sent
/// again, which the collector stores once (batch id, instance and sequence).
/// </summary>
/// <param name="directory">The spool directory.</param>
/// <param name="segmentVersion">The format version of its segments (<see cref="SpoolSegmentName"/>), which names the file.</param>
internal sealed class SpoolBookmark(string directory, int segmentVersion) : IDisposable
{
    public const int Size = 64;
    private const int NameOffset = 21;
    private const int MaxName = Size - 4 - NameOffset;
    private static ReadOnlySpan<byte> Magic => "TLBM"u8;

    private readonly byte[] _record = new byte[Size];
    private SafeFileHandle? _file;

    public string Path { get; } = System.IO.Path.Combine(directory, FileNameOf(segmentVersion));

    /// <summary>
    /// The name of the bookmark of a directory whose segments are of format <paramref name="segmentVersion"/>: <c>bookmark</c>
    /// beside version 1's (<c>.seg</c>), as every earlier client named it, so that such a client rolled back to still reads
    /// it; <c>bookmark.v{version}</c> beside a later version's. The clients of 2026-12-04 and 12-05 see no segment in a
    /// directory of <c>.seg.v2</c> ones, take it for empty and delete its <c>bookmark</c> and <c>lock</c>: a bookmark of
    /// that name was lost on a rollback, and the upgraded client sent its delivered records again.
    /// </summary>
    public static string FileNameOf(int segmentVersion) => segmentVersion == 1 ? "bookmark" : $"bookmark.v{segmentVersion}";

    /// <summary>Records that the segment <paramref name="segmentName"/> is delivered up to <paramref name="offset"/>, and <paramref name="settled"/> first events of the record there.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not writable.</exception>
    public void Write(string segmentName, long offset, int settled, int settledCounted)
    {
        Encode(_record, new Mark(segmentName, offset, settled, settledCounted));
        _file ??= File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete);
        RandomAccess.Write(_file, _record, 0);
    }

    /// <summary>Reads the bookmark of <paramref name="directory"/>, whose segments are of format <paramref name="segmentVersion"/>: false when there is none (<paramref name="unusable"/> null) or it cannot be used (<paramref name="unusable"/> says why).</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable.</exception>
    public static bool TryRead(string directory, int segmentVersion, out Mark mark, out string? unusable)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(System.IO.Path.Combine(directory, FileNameOf(segmentVersion)));
        }
        catch (FileNotFoundException)
        {
            (mark, unusable) = (default, null);
            return false;
        }

        var read = TryDecode(bytes, out mark, out var why);
        unusable = read ? null : why;
        return read;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    internal static void Encode(Span<byte> record, Mark mark)
    {
        record.Clear();
        Magic.CopyTo(record);
        BinaryPrimitives.WriteInt64LittleEndian(record[4..], mark.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(record[12..], mark.Settled);
        BinaryPrimitives.WriteInt32LittleEndian(record[16..], mark.SettledCounted);
        var length = Encoding.UTF8.GetBytes(mark.SegmentName, record[NameOffset..(NameOffset + MaxName)]);
        record[20] = (byte)length;
        BinaryPrimitives.WriteUInt32LittleEndian(record[(Size - 4)..], Crc32.HashToUInt32(record[..(Size - 4)]));
    }

    internal static bool TryDecode(ReadOnlySpan<byte> record, out Mark mark, out string unusable)
    {
        mark = default;
        unusable = record.Length != Size ? $"{record.Length} bytes, not {Size}"
            : !record.StartsWith(Magic) ? "not a bookmark"
            : BinaryPrimitives.ReadUInt32LittleEndian(record[(Size - 4)..]) != Crc32.HashToUInt32(record[..(Size - 4)]) ? "checksum wrong: torn or corrupt"
            : string.Empty;
        if (unusable.Length > 0)
        {
            return false;
        }

        var offset = BinaryPrimitives.ReadInt64LittleEndian(record[4..]);
        var settled = BinaryPrimitives.ReadInt32LittleEndian(record[12..]);
        var settledCounted = BinaryPrimitives.ReadInt32LittleEndian(record[16..]);
        int length = record[20];
        if (offset < 0 || settled < 0 || settledCounted < 0 || settledCounted > settled || length is 0 or > MaxName)
        {
            unusable = "values out of range";
            return false;
        }

        mark = new Mark(Encoding.UTF8.GetString(record.Slice(NameOffset, length)), offset, settled, settledCounted);
        return true;
    }

    /// <summary>A bookmark's content: the segment's file name, the offset of its first record not yet acknowledged, and how many of that record's first events (of them the app's: what the spool counts) are settled.</summary>
    internal readonly record struct Mark(string SegmentName, long Offset, int Settled, int SettledCounted);
}
