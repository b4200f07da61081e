namespace ThreadedLogging;

/// <summary>One append-only segment file of a spool, and how far it has been delivered.</summary>
internal sealed class SpoolSegment(string path, bool adopted, DateTimeOffset created)
{
    /// <summary>Gets or sets the file's path: set again when its directory was deleted in use and made again (<see cref="DurableSpool.KeepOwn"/>).</summary>
    public string Path { get; set; } = path;

    /// <summary>Gets whether the segment comes from another (dead) process's spool.</summary>
    public bool Adopted { get; } = adopted;

    public DateTimeOffset Created { get; } = created;

    /// <summary>Gets or sets the bytes written to the file.</summary>
    public long Length { get; set; }

    /// <summary>Gets the file's name, as the directory's <see cref="SpoolBookmark"/> names it.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Gets or sets the offset up to which records have been delivered.</summary>
    public long Delivered { get; set; }

    /// <summary>Gets or sets how many first events of the record at <see cref="Delivered"/> are settled (a record held for content refusals, or split).</summary>
    public int FirstSettled { get; set; }

    /// <summary>Gets or sets how many of the <see cref="FirstSettled"/> events are the app's (what <see cref="PendingEvents"/> counts).</summary>
    public int FirstSettledCounted { get; set; }

    /// <summary>Gets or sets how many events of the segment are still to be delivered.</summary>
    public int PendingEvents { get; set; }

    /// <summary>Gets or sets whether a torn or corrupt record was found: nothing after it is read.</summary>
    public bool Torn { get; set; }

    /// <summary>
    /// Gets or sets whether a record of the segment may hold the handler's own drop notices: one of ours a batch with a
    /// notice was written into, or an adopted one with a record marked so, or unmarked (an earlier version's, whose records
    /// do not say: <see cref="SpoolRecordFormat.HoldsNotices"/>), found as the adoption reads it. A cap that drops it reads
    /// those first (<see cref="DurableSpool.NoticesDropped"/>).
    /// </summary>
    public bool MayHoldNotices { get; set; } = adopted;

    /// <summary>
    /// Gets or sets a read handle on the file, open from when the segment is made until it leaves the spool (one of this
    /// process's own: an adopted one has none): the reader reads it, and the file can be written again from it when the
    /// directory was deleted while in use (<see cref="DurableSpool.KeepOwn"/>).
    /// </summary>
    public FileStream? Kept { get; set; }

    /// <summary>Gets or sets the directory lock that must be released when the last adopted segment of a directory is gone.</summary>
    public AdoptedDirectory? Owner { get; set; }
}

/// <summary>A dead process's spool directory, locked by us while we deliver its segments (of format <paramref name="segmentVersion"/>).</summary>
internal sealed class AdoptedDirectory(string path, FileStream lockFile, int segmentVersion) : IDisposable
{
    /// <summary>Gets or sets the file's path: set again when its directory was deleted in use and made again (<see cref="DurableSpool.KeepOwn"/>).</summary>
    public string Path { get; set; } = path;

    /// <summary>Gets the format version of its segments, which names its bookmark (<see cref="SpoolBookmark.FileNameOf"/>).</summary>
    public int SegmentVersion { get; } = segmentVersion;

    public int Segments { get; set; }

    /// <summary>Gets where its delivery stands, for a next start if this process dies too.</summary>
    public SpoolBookmark Bookmark { get; } = new(path, segmentVersion);

    /// <summary>
    /// Gets the batch ids of its records marked as holding drop notices: a kept notice (<see cref="DropNoticeFile"/>) under
    /// one of them is in a record already (a crash between that record's write and the file's deletion).
    /// </summary>
    public HashSet<string> NoticeBatchIds { get; } = new(StringComparer.Ordinal);

    public void Dispose()
    {
        Bookmark.Dispose();
        lockFile.Dispose();
    }
}
