namespace ThreadedLogging;

/// <summary>
/// A record read back: where it starts and where its segment continues, the batch itself when it was still in memory,
/// else its envelope as stored (<see cref="SpooledEnvelope"/>); <paramref name="EventCount"/> of the app's events still to
/// deliver, after its first <paramref name="Skip"/> events (<paramref name="SkippedCounted"/> of them the app's) settled
/// before (a held or split record, from the <see cref="SpoolBookmark"/>).
/// </summary>
internal readonly record struct SpoolEntry(SpoolSegment Segment, long Start, long End, LogBatch? Batch, SpooledEnvelope? Envelope, int EventCount, int Skip = 0, int SkippedCounted = 0);

/// <summary>A spooled batch's JsonBatch envelope as read from disk: its JSON and its gzip when stored so (both valid until the next read: the spool's buffers are reused), and its id.</summary>
internal sealed record SpooledEnvelope(ReadOnlyMemory<byte> Json, ReadOnlyMemory<byte> Gzipped, string BatchId, int? AppEvents = null);

internal sealed partial class DurableSpool
{
    private readonly List<(string File, long Length)> _newer = []; // segments of a newer format left on disk (LeaveNewer), under the size cap
    private readonly HashSet<string> _unadoptable = new(StringComparer.Ordinal); // dead processes' spools that could not be read, said once (CouldNotAdopt); forgotten once gone (Look)
    private readonly Dictionary<string, HashSet<string>> _saidOfUnadopted = new(StringComparer.Ordinal); // what reading each of those said (SayOfAdopted)
    private HashSet<string>? _saying; // of the directory TryAdopt reads: the lines said of it at its failed tries

    /// <summary>What <see cref="TryAdopt"/> did with a spool directory.</summary>
    private enum Adoption
    {
        /// <summary>Adopted, left on disk (of a newer format), or found empty or gone.</summary>
        Done,

        /// <summary>Its lock is held: another process of the app, or another handler of this one, is using it.</summary>
        Held,

        /// <summary>Its lock was free but it could not be read: left as it was, unlocked, to be tried again.</summary>
        Failed,
    }

    private void StartSegment()
    {
        _writer?.Dispose();
        var path = Path.Combine(_directory, SpoolSegmentName.Of(_nextSegment++));
        // Unbuffered: a record is one write, and one the file system refuses (a full disk) leaves no bytes in a buffer to
        // be written later (by the next record or the close) while its batch goes from memory; the next start counted
        // them again.
        _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        FileStream kept;
        try
        {
            kept = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch
        {
            _writer.Dispose();
            _writer = null;
            throw;
        }

        _writing = new SpoolSegment(path, adopted: false, _time.GetUtcNow()) { Kept = kept };
        _segments.Add(_writing);
    }

    /// <summary>
    /// A record's write failed (a full disk): what of it reached the file is cut off, so the segment holds only the records
    /// counted in it (the batch goes from memory); if even that fails, the segment is written no more, and its torn tail
    /// ends it for the reader.
    /// </summary>
    private void CutBack(long length)
    {
        try
        {
            _writer!.SetLength(length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Report?.Invoke($"Could not cut {_writing!.Path} back to {length} bytes after a failed write: {e.Message}");
            _writer?.Dispose();
            _writer = null;
            _writing = null;
        }
    }

    /// <summary>
    /// Takes over a dead process's spool: its lock is free, so nobody else writes or reads it. <see cref="Adoption.Held"/>
    /// when its lock is held (alive: another process of the app, or another handler of this one); <see cref="Adoption.Failed"/>
    /// when it cannot be read (said once a directory: <see cref="CouldNotAdopt"/>), then left as it was, unlocked, for a
    /// later try; else it was adopted, left (of a newer format), found empty or gone, or skipped for having neither lock
    /// file, segment nor bookmark (<see cref="OpenLockToAdopt"/>: its maker's, not locked yet, or one a deleter unlinked),
    /// deleted first if it is empty and was left so <see cref="LeftEmptyAge"/> ago (<see cref="DeleteIfLeftEmpty"/>).
    /// </summary>
    private Adoption TryAdopt(string directory)
    {
        FileStream lockFile;
        try
        {
            lockFile = OpenLockToAdopt(directory);
        }
        catch (DirectoryNotFoundException)
        {
            return Adoption.Done; // gone: its owner deleted it, nothing left in it
        }
        catch (FileNotFoundException)
        {
            // No lock file, segment nor bookmark: its maker's, not locked yet, or one a deleter is deleting (not ours to
            // make), or one a crash left empty long ago, which goes.
            DeleteIfLeftEmpty(directory);
            return Adoption.Done;
        }
        catch (UnauthorizedAccessException e)
        {
            CouldNotAdopt(directory, e); // another user's, or a folder made read-only: thrown on, it stopped this process's own spool
            return Adoption.Failed;
        }
        catch (IOException)
        {
            return Adoption.Held; // alive: another process of the app is using it
        }

        AdoptLocked?.Invoke(directory);

        // From here on the lock is ours: whatever fails (the folder removed or made unreadable meanwhile, a segment that
        // cannot be opened, an I/O error) releases it and takes back what was adopted of it. Before, the exception left
        // the lock held for the life of the process (neither a later pass nor another process could adopt the spool) and,
        // at the start, stopped this process's own spool.
        AdoptedDirectory? owner = null;
        _saying = _saidOfUnadopted.GetValueOrDefault(directory) ?? new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var files = new List<string>();
            var newer = new List<(string File, int Version)>();
            var oldestVersion = SpoolSegmentName.Version; // of the oldest segment, which the bookmark names: its name says whose it is
            foreach (var file in Directory.GetFiles(directory, SpoolSegmentName.SearchPattern).Order(StringComparer.Ordinal))
            {
                if (SpoolSegmentName.TryReadVersion(Path.GetFileName(file), out var version))
                {
                    if (version > SpoolSegmentName.Version)
                    {
                        newer.Add((file, version));
                    }
                    else
                    {
                        oldestVersion = files.Count == 0 ? version : oldestVersion;
                        files.Add(file);
                    }
                }
            }

            if (newer.Count > 0)
            {
                _saidOfUnadopted.Remove(directory);
                LeaveNewer(directory, newer, files.Count);
                lockFile.Dispose();
                _leftAlone.Add(directory); // for a client of their version: not said, nor counted against the cap, again
                return Adoption.Done;
            }

            owner = new AdoptedDirectory(directory, lockFile, oldestVersion);
            var mark = ReadBookmark(owner, files);
            var adopted = new List<SpoolSegment>(files.Count);
            foreach (var file in files)
            {
                adopted.Add(ReadAdopted(file, owner, mark is { } at && file == files[0] ? at : null));
            }

            // Into the spool only once every segment was read: a failure above leaves nothing of this directory in it.
            owner.Segments = adopted.Count;
            _segments.InsertRange(_segments.Count(s => s.Adopted), adopted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (owner is null)
            {
                lockFile.Dispose();
            }
            else
            {
                owner.Dispose(); // its lock too
            }

            _saidOfUnadopted[directory] = _saying;
            CouldNotAdopt(directory, e);
            return Adoption.Failed;
        }
        finally
        {
            _saying = null;
        }

        _saidOfUnadopted.Remove(directory);
        var noticeTaken = AdoptNotice(directory, owner.NoticeBatchIds);
        if (owner.Segments == 0)
        {
            DeleteAdoptedDirectory(owner, Path.Combine(directory, SpoolBookmark.FileNameOf(1))); // an earlier client's bookmark too, its segments all gone
            if (noticeTaken && Directory.Exists(directory))
            {
                _leftAlone.Add(directory); // a file of another kind left in it: nothing to send, not tried (nor said) again
            }
        }
        else
        {
            _unadoptable.Remove(directory);
            Report?.Invoke($"Adopted the spool of a previous process: {directory} ({Counted.Of(owner.Segments, "segment", "segments")}).");
        }

        return Adoption.Done;
    }

    /// <summary>
    /// The drop notice a dead process kept in <paramref name="directory"/> (<see cref="DropNoticeFile"/>): written as a
    /// record of this spool (<see cref="AdoptDropNotice"/>), then its file deleted. A crash between the two leaves both,
    /// under one batch id: the collector stores it once. Its copy in the file is not adopted then, when that record is
    /// among the directory's (<paramref name="inRecords"/>): a cap that drops it folds it back into the pending notice, under
    /// that notice's id, and the file's copy, under its own, was counted twice. A damaged one is said and deleted; one that
    /// cannot be written here (a disk fault) stays, said, and the directory with it.
    /// </summary>
    /// <returns>False when a notice stays in its file, to be tried again at a later look.</returns>
    private bool AdoptNotice(string directory, HashSet<string> inRecords)
    {
        try
        {
            if (DropNoticeFile.Read(directory, out var why) is { } notice)
            {
                if (why is not null)
                {
                    Report?.Invoke($"The drop notice {Path.Combine(directory, DropNoticeFile.Name)} a previous process kept was read, but {why}.");
                }

                if (notice.Drops.Count > 0 && !inRecords.Contains(notice.BatchId))
                {
                    AdoptDropNotice?.Invoke(notice);
                }
            }
            else if (why is not null)
            {
                Report?.Invoke($"Could not read the drop notice {Path.Combine(directory, DropNoticeFile.Name)} a previous process kept ({why}): deleted; the collector does not hear of those drops.");
            }

            DropNoticeFile.Delete(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report?.Invoke($"Could not take over the drop notice {Path.Combine(directory, DropNoticeFile.Name)} a previous process kept ({e.GetType().Name}: {e.Message}): left there.");
            return false;
        }
    }

    /// <summary>
    /// Opens and locks a directory's lock file to adopt it, never creating one for a directory without segments: only a
    /// directory's maker makes its lock file (<see cref="LockOwnDirectory"/>). Before, it was opened with
    /// <see cref="FileMode.OpenOrCreate"/>, which made the lock file of a directory made an instant before by a process
    /// starting at the same moment (which lost it: an empty directory is deleted here), and made again one a deleter had
    /// just unlinked, so that a maker holding the unlinked one found the path still naming a file and kept a spool an
    /// adoption then deleted. Segments without a lock file are neither (a maker makes it before any segment, a deleter
    /// deletes the segments first): an earlier client's start (before the format mark) deleted it, seeing no segment it
    /// knew; made again, as before. Nor is a bookmark without a lock file (a maker writes its bookmark only once it holds
    /// its lock, after its check): a crash during a deletion, or a disposal that could not delete the bookmark, left it;
    /// made again, so that the directory is deleted (before, from dbf2e62 on, it stayed on disk for ever).
    /// </summary>
    /// <exception cref="FileNotFoundException">No lock file, and no segment nor bookmark in the directory.</exception>
    private static FileStream OpenLockToAdopt(string directory)
    {
        var path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (FileNotFoundException) when (HasSegments(directory) || HasBookmark(directory) || DropNoticeFile.IsIn(directory))
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
    }

    /// <summary>Reads an adopted segment's records: what of it is pending, from <paramref name="mark"/> (its directory's bookmark) when it names this one.</summary>
    private SpoolSegment ReadAdopted(string file, AdoptedDirectory owner, SpoolBookmark.Mark? mark)
    {
        var segment = new SpoolSegment(file, adopted: true, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero)) { Owner = owner };
        var records = new List<(long Start, int Count)>();
        var start = 0L;
        var mayHoldNotices = false; // a record marked as holding notices, or an earlier version's (unmarked): the caps read them
        int torn;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            segment.Length = stream.Length;
            SpoolRecordFormat.ReadStatus status;
            int count;
            // A corrupt record (a whole one whose checksum does not match), or damaged bytes up to the next whole record
            // (a damaged length), is counted as pending like the others: the reader drops it, counted, and reads on;
            // the valid records after it were neither sent nor counted. Its count, and an earlier version's record's,
            // is what its JSON holds (EventsIn): the reader counts the same; damaged bytes no checksum matches count 0
            // (unknown: the reader says so when it skips them).
            while ((status = SpoolRecordFormat.TryRead(stream, ref _payload, out var payload, out count, out var countChecked)) is not (SpoolRecordFormat.ReadStatus.End or SpoolRecordFormat.ReadStatus.Torn))
            {
                count = status == SpoolRecordFormat.ReadStatus.DamagedUncounted ? 0 : countChecked ? count : EventsIn(segment, start, payload, count, say: true, out _);
                mayHoldNotices |= status == SpoolRecordFormat.ReadStatus.Recovered || (status == SpoolRecordFormat.ReadStatus.Record && SpoolRecordFormat.HoldsNotices(payload));
                if (status == SpoolRecordFormat.ReadStatus.Record && SpoolRecordFormat.MarkedWithNotices(payload) && SpoolRecordFormat.BatchIdOf(payload) is { } noticeBatch)
                {
                    owner.NoticeBatchIds.Add(noticeBatch);
                }

                records.Add((start, count));
                segment.PendingEvents += count;
                start = stream.Position;
            }

            // A record cut short or corrupt (a crash while writing): its events are pending until the reader reaches it
            // and drops the rest of the segment, counted (Dropped), by what its header says it held.
            torn = status == SpoolRecordFormat.ReadStatus.Torn ? count : 0;
        }

        if (mark is { } at)
        {
            StartAtBookmark(segment, records, start, at, owner.Bookmark.Path);
        }

        segment.PendingEvents += torn;
        segment.MayHoldNotices = mayHoldNotices;
        return segment;
    }

    /// <summary>
    /// A spool whose lock was free could not be read: said once a directory (it is tried again on later passes, and may
    /// fail as long as its fault lasts); the spool of this process and the worker go on.
    /// </summary>
    private void CouldNotAdopt(string directory, Exception e)
    {
        if (_unadoptable.Add(directory))
        {
            Report?.Invoke($"Could not adopt the spool of a previous process {directory} ({e.GetType().Name}: {e.Message}): it is left as it was, unlocked, and tried again later.");
        }
    }

    /// <summary>
    /// Says a line about a spool that <see cref="TryAdopt"/> reads (its bookmark ignored, a record's damaged header): once a
    /// directory while its adoption fails and is tried again (at each look), as the failure itself (<see cref="CouldNotAdopt"/>);
    /// before, each try said them again. A line that changes is said again; outside an adoption, always.
    /// </summary>
    private void SayOfAdopted(string message)
    {
        if (_saying?.Add(message) != false)
        {
            Report?.Invoke(message);
        }
    }

    /// <summary>
    /// A dead process's directory that holds segments of a newer format than this client's (the app rolled back to an
    /// older build): none of its files is read, sent, counted or deleted, its bookmark and lock file neither, so the client
    /// of that version sends it once it runs again. Said once a start, one line for the directory (a full spool has dozens
    /// of segments): its first such segment, how many, their version and this client's. Their bytes count against the size
    /// cap (<see cref="Over"/>), which the same line says.
    /// </summary>
    private void LeaveNewer(string directory, List<(string File, int Version)> newer, int others)
    {
        var (lowest, highest) = (newer.Min(n => n.Version), newer.Max(n => n.Version));
        var versions = lowest == highest ? $"v{lowest}" : $"v{lowest} to v{highest}";
        var also = others > 0 ? $" (and the {Counted.Of(others, "older segment", "older segments")} beside {(newer.Count > 1 ? "them" : "it")})" : "";
        var which = newer.Count > 1 ? $"its {newer.Count} segments from {newer[0].File} on{also} are" : $"its segment {newer[0].File}{also} is";
        var bytes = 0L;
        foreach (var (file, _) in newer)
        {
            var length = LengthOf(file);
            _newer.Add((file, length));
            bytes += length;
        }

        var room = _maxBytes - NewerBytes;
        var counted = room > 0
            ? $"which leaves this client {room} bytes for its own while they are on disk"
            : "which they fill: while they are on disk, each batch this client spools drops the unsent ones before it";
        Report?.Invoke($"Left the spool of a previous process {directory} on disk, unread: {which} of spool format {versions}, newer than this client's v{SpoolSegmentName.Version} (an older build of the app runs now). A client that reads v{highest} sends their events when it starts. Their {bytes} bytes count against MaxBufferBytes ({_maxBytes} bytes), {counted}.");
    }

    /// <summary>
    /// Whether a record of <paramref name="length"/> bytes would take the spool past <see cref="ThreadedHandlerOptions.MaxBufferBytes"/>:
    /// its segments, and the segments of a newer format left on disk (<see cref="LeaveNewer"/>), which a rolled-back client
    /// never deletes but which are on the same disk, under the same bound (before, outside it: a spool of newer segments
    /// beside a full one of this client's held up to twice the bound). Those are measured again when they decide: a client
    /// of their version, started meanwhile, may have sent and deleted them.
    /// </summary>
    private bool Over(long length)
    {
        var ours = _segments.Sum(s => s.Length) + length;
        if (ours + NewerBytes <= _maxBytes)
        {
            return false;
        }

        if (_newer.Count > 0 && ours <= _maxBytes)
        {
            for (var i = _newer.Count - 1; i >= 0; i--)
            {
                var now = LengthOf(_newer[i].File);
                if (now == 0)
                {
                    _newer.RemoveAt(i);
                }
                else
                {
                    _newer[i] = (_newer[i].File, now);
                }
            }
        }

        return ours + NewerBytes > _maxBytes;
    }

    /// <summary>The bytes of the newer segments left on disk, as last measured.</summary>
    private long NewerBytes => _newer.Sum(n => n.Length);

    /// <summary>A file's length; 0 when it is gone or cannot be read.</summary>
    private static long LengthOf(string file)
    {
        try
        {
            var info = new FileInfo(file);
            return info.Exists ? info.Length : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// How many of the app's events a record whose count its checksum does not vouch for holds — a record of an earlier
    /// version (its checksum covers its payload alone) or a corrupt one: the events of its JSON; when that cannot be read,
    /// its header's count if its payload could hold that many, else 0 (unknown). Adoption and the reader count the same
    /// record the same way (the file does not change meanwhile): what was adopted is what is sent or dropped. A header that
    /// disagrees with its JSON is said when <paramref name="say"/> (once a record: at adoption, or by the reader of our own).
    /// <paramref name="readable"/> is false when its JSON cannot be read: in a segment of our own the reader then counts
    /// it by what this process wrote there instead (an unvouched header's count may be damaged too).
    /// </summary>
    private int EventsIn(SpoolSegment segment, long start, ArraySegment<byte> payload, int headerCount, bool say, out bool readable)
    {
        int counted;
        readable = true;
        try
        {
            counted = SpoolSerializer.CountAppEvents(SpoolRecordFormat.Unpack(payload, _unpacked).Span);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            readable = false;
            var believed = SpoolRecordFormat.Believable(headerCount, payload.Count);
            if (say && segment.Adopted && believed != headerCount)
            {
                SayOfAdopted($"The spool record at byte {start} of {segment.Path} says it holds {headerCount} events, a count its {payload.Count} bytes could not hold, and its JSON cannot be read ({e.Message}): its events are not counted.");
            }

            return believed;
        }

        if (say && counted != headerCount)
        {
            SayOfAdopted($"The spool record at byte {start} of {segment.Path} says it holds {headerCount} events; its JSON holds {Counted.Events(counted)}, which are counted (its header is damaged).");
        }

        return counted;
    }

    /// <summary>
    /// The events this process wrote into <paramref name="segment"/> (one of our own) before <paramref name="next"/> and has
    /// not settled: its pending events less those of the records from <paramref name="next"/> on. How bytes no count vouches
    /// for (a damaged length, a corrupt record whose count and JSON cannot be read) are counted when they are dropped.
    /// </summary>
    private int PendingBefore(SpoolSegment segment, long next) => Math.Max(0, segment.PendingEvents - EventsAfter(segment, next));

    /// <summary>
    /// The events of the records of <paramref name="segment"/> (one of our own) from <paramref name="offset"/> to its end, as
    /// the reader will count them; damaged bytes after them count none (a next skip counts them by the same difference).
    /// Read only after damaged bytes, into a buffer of its own; the reader's position is kept.
    /// </summary>
    private int EventsAfter(SpoolSegment segment, long offset)
    {
        var position = _reader!.Position;
        _reader.Position = offset;
        byte[] buffer = [];
        var events = 0;
        SpoolRecordFormat.ReadStatus status;
        while ((status = SpoolRecordFormat.TryRead(_reader, ref buffer, out var payload, out var count, out var countChecked)) is not (SpoolRecordFormat.ReadStatus.End or SpoolRecordFormat.ReadStatus.Torn))
        {
            events += status == SpoolRecordFormat.ReadStatus.DamagedUncounted ? 0 : countChecked ? count : EventsIn(segment, offset, payload, count, say: false, out _);
        }

        _reader.Position = position;
        return events;
    }

    private void DropExpired()
    {
        var limit = _time.GetUtcNow() - _maxAge;
        while (OldestDroppable() is { } oldest && oldest != _writing && oldest.Created < limit)
        {
            _ageDrops.Add(DroppableEvents(oldest), Report);
            Drop(oldest, SpoolDropReason.Aged);
        }
    }

    /// <summary>The size cap drops the oldest segment to make room: said once when the spool becomes full, the total once when it has room again (<see cref="CapDrops"/>).</summary>
    private void DropForRoom(SpoolSegment oldest)
    {
        _sizeDrops.Add(DroppableEvents(oldest), Report);
        Drop(oldest, SpoolDropReason.Full);
    }

    /// <summary>The caps stopped dropping (a record left the spool, or it closes): each says how many events it dropped.</summary>
    private void EndCapDrops()
    {
        _sizeDrops.End(Report);
        _ageDrops.End(Report);
    }

    /// <summary>
    /// The oldest segment with events a cap may drop: not the record being sent (<see cref="_sending"/>), whose delivery
    /// settles its events as sent or dropped; a cap that dropped them too would count them twice (and Acknowledge would
    /// take them off a segment already gone). Its segment qualifies while records follow it (<see cref="Drop"/> cuts them off).
    /// </summary>
    private SpoolSegment? OldestDroppable()
    {
        foreach (var segment in _segments)
        {
            if (_sending is not { } sending || sending.Segment != segment || segment.Length > sending.End)
            {
                return segment;
            }
        }

        return null;
    }

    /// <summary>How many events <see cref="Drop"/> takes: the segment's, less those of the record being sent.</summary>
    private int DroppableEvents(SpoolSegment segment) =>
        _sending is { } sending && sending.Segment == segment ? segment.PendingEvents - (sending.EventCount - _sendingSettled) : segment.PendingEvents;

    /// <summary>
    /// Drops a segment for a cap, or, when a record of it is being sent, the records after that one. Reported before,
    /// not after: counting the drop can complete a flush, whose caller may read the self-log at once.
    /// </summary>
    private void Drop(SpoolSegment segment, SpoolDropReason reason)
    {
        if (_sending is not { } sending || sending.Segment != segment)
        {
            Remove(segment, reason);
            return;
        }

        // Cut the file after the record being sent: what follows is dropped (and counted) now, not resent after a
        // crash; the record stays spooled until its delivery ends, and the segment goes when it is acknowledged.
        if (segment == _writing)
        {
            _writer?.Dispose();
            _writer = null;
            _writing = null;
        }

        // Read before the cut: after it, nothing follows the record being sent.
        FoldNotices(segment, sending.End, 0);
        try
        {
            using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.SetLength(sending.End);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report?.Invoke($"Could not cut {segment.Path}: {e.Message}");
        }

        var dropped = DroppableEvents(segment);
        segment.Length = sending.End;
        segment.PendingEvents = sending.EventCount - _sendingSettled;
        if (dropped > 0)
        {
            Dropped?.Invoke(dropped, reason);
        }
    }

    /// <summary>Removes a segment: delivered (<paramref name="dropped"/> null), or dropped for that reason, its pending events counted.</summary>
    private void Remove(SpoolSegment segment, SpoolDropReason? dropped)
    {
        if (dropped is { } reason)
        {
            FoldNotices(segment, segment.Delivered, segment.FirstSettled);
            if (segment.PendingEvents > 0)
            {
                Dropped?.Invoke(segment.PendingEvents, reason);
            }
        }

        segment.PendingEvents = 0;
        _segments.Remove(segment);
        if (_reading == segment)
        {
            _reader?.Dispose();
            _reader = null;
            _reading = null;
        }

        segment.Kept?.Dispose();
        segment.Kept = null;

        if (_writing == segment)
        {
            _writer?.Dispose();
            _writer = null;
            _writing = null;
        }

        TryDelete(segment.Path);
        if (segment.Owner is { } owner && --owner.Segments == 0)
        {
            DeleteAdoptedDirectory(owner);
        }
    }

    /// <summary>
    /// Hands the records of <paramref name="segment"/> from <paramref name="from"/> on (the first with its first
    /// <paramref name="skip"/> events delivered), which a cap drops, to <see cref="NoticesDropped"/> when they hold drop
    /// notices: before, a notice went with its segment uncounted (it counts no event), an adopted one too, and the
    /// collector never heard of the drops it told. Only a segment that may hold one is read (<see cref="SpoolSegment.MayHoldNotices"/>),
    /// and only a record whose JSON names the notices' category is handed on; into buffers of its own (the reader's may
    /// hold the envelope being sent). A record that cannot be read is passed over: its events are counted as the drop counts them.
    /// </summary>
    private void FoldNotices(SpoolSegment segment, long from, int skip)
    {
        if (!segment.MayHoldNotices || NoticesDropped is null || from >= segment.Length)
        {
            return;
        }

        try
        {
            using var stream = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = from;
            byte[] buffer = [];
            using var unpacked = new MemoryStream();
            SpoolRecordFormat.ReadStatus status;
            while (stream.Position < segment.Length
                && (status = SpoolRecordFormat.TryRead(stream, ref buffer, out var payload, out var count, out var countChecked)) is not (SpoolRecordFormat.ReadStatus.End or SpoolRecordFormat.ReadStatus.Torn))
            {
                if (status == SpoolRecordFormat.ReadStatus.Recovered || (status == SpoolRecordFormat.ReadStatus.Record && SpoolRecordFormat.HoldsNotices(payload)))
                {
                    try
                    {
                        var json = SpoolRecordFormat.Unpack(payload, unpacked);
                        if (json.Span.IndexOf(NoticeCategory) >= 0)
                        {
                            // This version writes a batch's notices after its app events, and their count in the header:
                            // checked by the CRC, and marked (MTIME 2), the notices are known by their place, not by what
                            // an app could log too (the category and property names).
                            var marked = status == SpoolRecordFormat.ReadStatus.Record && countChecked && SpoolRecordFormat.MarkedWithNotices(payload);
                            NoticesDropped(json, skip, marked ? count : null);
                        }
                    }
                    catch (InvalidDataException)
                    {
                        // Not gzip after all: nothing of it can be read.
                    }
                }

                skip = 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report?.Invoke($"Could not read the drop notices in {segment.Path} before dropping it ({e.GetType().Name}: {e.Message}): the collector does not hear of the drops they told.");
        }
    }

    /// <summary>The notices' category as it appears in a record's JSON (<see cref="QueueDrops.OwnCategory"/>).</summary>
    private static ReadOnlySpan<byte> NoticeCategory => "\"ThreadedLogging\""u8;

    /// <summary>
    /// Lets go of an adopted directory with nothing left to send and deletes it. On Unix its lock file is unlinked while it
    /// is still locked: a process that made this directory (a brand-new one found empty at a start) and locks it in the
    /// window between its open and its lock then finds the file gone once it holds the lock, and takes another name
    /// (<see cref="LockOwnDirectory"/>); unlinked after the release, it could be locked first and deleted after, the
    /// starter left with a lock on nothing. On Windows a file held without <see cref="FileShare.Delete"/> cannot be
    /// deleted, and the lock is taken with the open (no window): released first, as before.
    /// </summary>
    private void DeleteAdoptedDirectory(AdoptedDirectory owner, string? earlierBookmark = null)
    {
        var lockFile = Path.Combine(owner.Path, LockFileName);
        if (!OperatingSystem.IsWindows())
        {
            TryDelete(lockFile);
        }

        owner.Dispose();
        TryDelete(owner.Bookmark.Path);
        if (earlierBookmark is not null)
        {
            TryDelete(earlierBookmark);
        }

        if (OperatingSystem.IsWindows())
        {
            TryDelete(lockFile);
        }

        TryDeleteDirectory(owner.Path);
    }

    /// <summary>Deletes a file; false (and said) when it cannot.</summary>
    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true; // its directory is gone (deleted while in use: KeepOwn), and it with it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report?.Invoke($"Could not delete {path}: {e.Message}");
            return false;
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
            {
                Directory.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process may be creating it right now; it is empty either way.
        }
    }
}
