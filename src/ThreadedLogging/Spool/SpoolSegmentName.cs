using System.Globalization;

namespace ThreadedLogging;

/// <summary>
/// A segment's file name, which carries the format of its records: <c>{number:D10}.seg.v{version}</c>. Every client before
/// the mark wrote <c>{number:D10}.seg</c>, version 1 (the records <see cref="SpoolRecordFormat"/> tells apart by their
/// bytes: plain JSON or gzip, a checksum of the payload or of the count and payload); this one writes <see cref="Version"/>
/// (the same records). A client adopts the segments of its version or older ones; a dead process's directory holding a
/// newer one (the app rolled back to an older build) is left alone, bookmark and all, so a later upgrade sends it.
/// </summary>
/// <remarks>
/// The mark is in the name, not in the file, and not matched by <c>*.seg</c>: the clients released before it enumerate
/// <c>*.seg</c> and take a record they cannot check for torn (a client of 2026-12-05 checks a payload's checksum only, and
/// dropped every record of the count's checksum unsent). Such a client sees no segment of this version and leaves the
/// segments; those of 2026-12-04 and 12-05 then take the directory for empty and delete its <c>lock</c> and its
/// <c>bookmark</c>, so the bookmark of this version's segments has a name of its own (<see cref="SpoolBookmark.FileNameOf"/>:
/// <c>bookmark.v2</c>), which they leave too. A version whose records these clients could read would still be named so;
/// a change of format only raises <see cref="Version"/>.
/// </remarks>
internal static class SpoolSegmentName
{
    /// <summary>The format version of the segments this client writes (version 1: the unmarked <c>.seg</c> of earlier clients).</summary>
    public const int Version = 2;

    /// <summary>What <see cref="System.IO.Directory.GetFiles(string, string)"/> is given to list a directory's segments of any version.</summary>
    public const string SearchPattern = "*.seg*";

    private const string Extension = ".seg";
    private const string VersionMark = ".seg.v";

    /// <summary>The name of this client's segment number <paramref name="number"/>.</summary>
    public static string Of(int number) => $"{number:D10}{VersionMark}{Version}";

    /// <summary>
    /// The format version of the segment named <paramref name="fileName"/>: 1 for an unmarked <c>.seg</c>; false when the
    /// name is not a segment's (a file of another kind, or a mark that is not a number).
    /// </summary>
    public static bool TryReadVersion(string fileName, out int version)
    {
        version = 0;
        if (fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            version = 1;
            return true;
        }

        var mark = fileName.LastIndexOf(VersionMark, StringComparison.Ordinal);
        return mark > 0
            && int.TryParse(fileName.AsSpan(mark + VersionMark.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0;
    }
}
