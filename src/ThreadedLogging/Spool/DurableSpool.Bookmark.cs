namespace ThreadedLogging;

/// <summary>
/// The spool's bookmarks (<see cref="SpoolBookmark"/>, one per directory): written when a record is acknowledged or its
/// first events are settled (held, or split), read when a dead process's directory is adopted, so that the next start
/// sends and counts only what was not settled. A bookmark that cannot be trusted is ignored, said in one line: the
/// segment is then read from its start, as before bookmarks (what was delivered is sent again, nothing is lost).
/// </summary>
internal sealed partial class DurableSpool
{
    private bool _bookmarkFailed;

    /// <summary>
    /// The first <paramref name="settled"/> events of the record being sent (<paramref name="settledCounted"/> of them the
    /// app's) are settled, the others wait (held for the backoff, <see cref="ContentRefusals"/>; the rest of a split) or are
    /// left by the shutdown deadline: recorded first, so a next start sends only the others and counts only them.
    /// </summary>
    public void SettleFirst(SpoolEntry entry, int settled, int settledCounted)
    {
        var counted = settledCounted - entry.SkippedCounted;
        entry.Segment.PendingEvents -= counted - _sendingSettled;
        _sendingSettled = counted;
        (entry.Segment.FirstSettled, entry.Segment.FirstSettledCounted) = (settled, settledCounted);
        WriteBookmark(entry.Segment, entry.Start, settled, settledCounted);
    }

    /// <summary>The records of <paramref name="segment"/> before <paramref name="offset"/> are delivered: said in memory and in the bookmark.</summary>
    private void Advance(SpoolSegment segment, long offset)
    {
        segment.Delivered = offset;
        (segment.FirstSettled, segment.FirstSettledCounted) = (0, 0);
        WriteBookmark(segment, offset, 0, 0);
    }

    /// <summary>
    /// Skips the record just read, alone (unreadable, or corrupt with a whole record after it): its <paramref name="dropped"/>
    /// events not yet settled leave the pending count and are counted dropped for <paramref name="reason"/>; the segment is
    /// delivered up to the reader, after it.
    /// </summary>
    private void SkipRecord(SpoolSegment segment, int dropped, SpoolDropReason reason)
    {
        segment.PendingEvents -= dropped;
        Advance(segment, _reader!.Position);
        Dropped?.Invoke(dropped, reason);
    }

    /// <summary>One write of a few bytes, no fsync (<see cref="SpoolBookmark"/> says why); a failure is said once and costs only resends after a crash.</summary>
    private void WriteBookmark(SpoolSegment segment, long offset, int settled, int settledCounted)
    {
        try
        {
            (segment.Owner?.Bookmark ?? _bookmark).Write(segment.Name, offset, settled, settledCounted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_bookmarkFailed)
            {
                _bookmarkFailed = true;
                Report?.Invoke($"Could not write the spool's bookmark in {Path.GetDirectoryName(segment.Path)}: {e.Message}. A next start after a crash sends again what was delivered since.");
            }
        }
    }

    /// <summary>
    /// The bookmark of an adopted directory, if it can be used for its oldest segment (<paramref name="files"/>, in order):
    /// none when it names a segment that is gone (delivered or dropped, and deleted: the others are all undelivered);
    /// ignored, and said, when it is torn or corrupt or names another segment than the oldest.
    /// </summary>
    private SpoolBookmark.Mark? ReadBookmark(AdoptedDirectory owner, List<string> files)
    {
        SpoolBookmark.Mark mark;
        string? unusable;
        try
        {
            if (!SpoolBookmark.TryRead(owner.Path, owner.SegmentVersion, out mark, out unusable))
            {
                if (unusable is not null)
                {
                    SayOfAdopted($"Ignored the spool's bookmark {owner.Bookmark.Path} ({unusable}): its segments are sent from their start.");
                }

                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SayOfAdopted($"Ignored the spool's bookmark {owner.Bookmark.Path} ({e.Message}): its segments are sent from their start.");
            return null;
        }

        if (!files.Exists(f => Path.GetFileName(f) == mark.SegmentName))
        {
            return null;
        }

        if (Path.GetFileName(files[0]) != mark.SegmentName)
        {
            SayOfAdopted($"Ignored the spool's bookmark {owner.Bookmark.Path} (it names {mark.SegmentName}, not the oldest segment {Path.GetFileName(files[0])}): its segments are sent from their start.");
            return null;
        }

        return mark;
    }

    /// <summary>
    /// Starts an adopted segment at its bookmark, if the mark is where one of its <paramref name="records"/> starts, or
    /// where they end (every record delivered); else says so and leaves it to be read from its start.
    /// </summary>
    private void StartAtBookmark(SpoolSegment segment, List<(long Start, int Count)> records, long recordsEnd, SpoolBookmark.Mark mark, string bookmarkPath)
    {
        var index = mark.Offset == recordsEnd && mark.Settled == 0 ? records.Count : records.FindIndex(r => r.Start == mark.Offset);
        if (index < 0 || (index < records.Count && mark.SettledCounted > records[index].Count))
        {
            SayOfAdopted($"Ignored the spool's bookmark {bookmarkPath} (byte {mark.Offset} of {mark.SegmentName} is not where one of its {Counted.Of(records.Count, "record", "records")} starts): its segments are sent from their start.");
            return;
        }

        segment.Delivered = mark.Offset;
        segment.PendingEvents = records.Skip(index).Sum(r => r.Count) - mark.SettledCounted;
        (segment.FirstSettled, segment.FirstSettledCounted) = (mark.Settled, mark.SettledCounted);
    }
}
