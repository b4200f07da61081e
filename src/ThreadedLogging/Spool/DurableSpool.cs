using System.Buffers;

namespace ThreadedLogging;

/// <summary>
/// The durable spool (<see cref="ThreadedHandlerOptions.BufferDirectory"/>): batches go from the memory
/// queue to append-only segment files on the worker, are read back in order, and are deleted only
/// after delivery. Each process instance writes its own directory, held by an exclusive lock file;
/// a directory whose lock is free belongs to a dead process and is adopted and delivered first.
/// Bounded by bytes (oldest segment dropped first) and age. Not thread-safe: one caller at a time — the worker, or,
/// while a spooled batch is sent, the queue's move to disk (<see cref="Append"/>, <see cref="Sync"/>) and the send's
/// settlement of its record (<see cref="SettleFirst"/>, <see cref="Acknowledge"/>), which <see cref="SpoolStage"/> keeps
/// apart under its gate.
/// </summary>
internal sealed partial class DurableSpool : IDisposable
{
    private const string LockFileName = "lock";

    /// <summary>How many directories a start tries for its own spool, each lost to another process's lock before it locked it (<see cref="LockOwnDirectory"/>).</summary>
    internal const int MaxOwnDirectoryTries = 4;

    private readonly string _root;
    private readonly string _instanceId;
    private string _directory; // root/instanceId, or root/instanceId-N when another process locked the ones before first (LockOwnDirectory)
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private readonly List<SpoolSegment> _segments = [];
    private readonly Queue<RecentRecord> _recent = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly MemoryStream _packed = new(16 * 1024);
    private readonly MemoryStream _unpacked = new(64 * 1024);
    private byte[] _payload = []; // the record read last, as stored: reused record after record (SpoolRecordFormat.TryRead)
    private readonly int _maxRecentEvents;
    private int _recentEvents;
    private FileStream? _lock;
    private FileStream? _writer;
    private SpoolSegment? _writing;
    private FileStream? _reader;
    private SpoolSegment? _reading;
    private int _nextSegment;
    private readonly CapDrops _sizeDrops;
    private readonly CapDrops _ageDrops;
    private SpoolEntry? _sending; // read and not yet acknowledged: its delivery, not a cap, settles its events
    private int _sendingSettled; // of _sending's EventCount, the app's events settled before it is acknowledged (a held or split record's first ones)
    private SpoolBookmark _bookmark; // this instance's directory's
    private bool _appended; // a record was written since the last Sync: its directory is checked there (KeepOwn)

    /// <param name="root">The spool's root directory: this process's spool is a directory in it, beside dead processes' spools.</param>
    /// <param name="instanceId">This process's instance id, the name of its directory (then <c>-2</c>, … after it when another process locked that one first).</param>
    /// <param name="maxBytes">The most bytes the spool keeps on disk (<see cref="ThreadedHandlerOptions.MaxBufferBytes"/>).</param>
    /// <param name="maxAge">How long a record is kept before it is dropped (<see cref="ThreadedHandlerOptions.MaxBufferAge"/>).</param>
    /// <param name="time">The clock of the age cap.</param>
    /// <param name="maxRecentEvents">How many events of records written and not yet read are also kept in memory (0: none).</param>
    public DurableSpool(string root, string instanceId, long maxBytes, TimeSpan maxAge, TimeProvider time, int maxRecentEvents = 0)
    {
        _maxRecentEvents = maxRecentEvents;
        _root = root;
        _instanceId = instanceId;
        _directory = Path.Combine(root, instanceId);
        _bookmark = new SpoolBookmark(_directory, SpoolSegmentName.Version);
        _maxBytes = maxBytes;
        _maxAge = maxAge;
        _segmentBytes = Math.Clamp(maxBytes / 8, 4 * 1024, 4 * 1024 * 1024);
        _time = time;
        _sizeDrops = new(
            events => $"The spool is full ({maxBytes} bytes, MaxBufferBytes): dropping {Counted.Events(events)} of its oldest segment, and its oldest events from now on while it stays full (said again with the total when it has room).",
            dropped => $"The spool dropped {Counted.Events(dropped)} of its oldest segments while it was full ({maxBytes} bytes, MaxBufferBytes).");
        _ageDrops = new(
            events => $"The spool holds events older than MaxBufferAge ({maxAge}): dropping {Counted.Events(events)} of its oldest segment, and each segment that ages out from now on (said again with the total when it sends again).",
            dropped => $"The spool dropped {Counted.Events(dropped)} older than MaxBufferAge ({maxAge}).");
    }

    /// <summary>Called with the number of events the size or age cap removed, or a torn segment cut short, and why.</summary>
    public Action<int, SpoolDropReason>? Dropped { get; set; }

    /// <summary>
    /// Called, before the drop is counted (<see cref="Dropped"/>), with the JSON of each record a cap drops, or of a batch too
    /// large for the spool, that holds the handler's own drop notices, and how many of its first events were delivered
    /// before: a notice counts no event, so the drop that takes it counts nothing of what it told, and the collector never
    /// heard of those drops (<see cref="SpoolDrops.Fold"/> takes them back into the pending notice). The third argument is
    /// how many of the app's events come first, when the record says so (this version's mark, its count checked): its
    /// notices are the events after them; null for a record that does not (an earlier version's, a recovered one).
    /// </summary>
    public Action<ReadOnlyMemory<byte>, int, int?>? NoticesDropped { get; set; }

    /// <summary>Called with a message for the self-log.</summary>
    public Action<string>? Report { get; set; }

    /// <summary>
    /// Called with the drop notice a dead process kept in a directory being adopted (<see cref="DropNoticeFile"/>), once that
    /// directory's segments are in this spool: writes it as a record of this spool; its file is deleted after.
    /// </summary>
    public Action<DropNoticeFile.Content>? AdoptDropNotice { get; set; }

    /// <summary>Gets the number of events in the spool not yet delivered.</summary>
    public long PendingEvents => _segments.Sum(s => (long)s.PendingEvents);

    /// <summary>Gets this instance's spool directory.</summary>
    public string DirectoryPath => _directory;

    /// <summary>Gets the spool's root directory (<see cref="ThreadedHandlerOptions.BufferDirectory"/>), where every process's spool is.</summary>
    public string RootPath => _root;

    /// <summary>Gets the segments, adopted ones first, oldest first (tests).</summary>
    internal IReadOnlyList<SpoolSegment> Segments => _segments;

    /// <summary>
    /// Called (tests) with the path of this instance's lock file after its directory is made and before it is locked: the
    /// window in which another process may lock it first (on Unix <see cref="FileShare.None"/> is an open, then a lock).
    /// </summary>
    internal Action<string>? BeforeLock { get; set; }

    /// <summary>
    /// Called (tests) with the path of this instance's lock file once it is locked, before the lock is checked to still be
    /// that path's file: where a fault stands for a process that locked it first, let go and deleted it (see <see cref="LockOwnDirectory"/>).
    /// </summary>
    internal Action<string>? AfterLock { get; set; }

    /// <summary>
    /// Called (tests) with the directory whose lock file an adoption (<c>TryAdopt</c>, at a start or a look) has just locked,
    /// before it reads it and, found empty, deletes it: where a test holds that adoption, standing for another process's,
    /// while a starting process checks its own lock.
    /// </summary>
    internal Action<string>? AdoptLocked { get; set; }

    /// <summary>
    /// Called (tests) with the path of the segment a record is about to be written into, before the write: where a test
    /// stands a full disk's <see cref="IOException"/> (<c>ENOSPC</c>), which no process can make without root.
    /// </summary>
    internal Action<string>? BeforeWrite { get; set; }

    /// <summary>
    /// Gets whether a cap (size or age) is dropping: from its first drop until a record leaves the spool (a delivery) or it
    /// closes. A record written meanwhile is likely dropped by the same cap before it is sent.
    /// </summary>
    public bool CapsDropping => _sizeDrops.IsDropping || _ageDrops.IsDropping;

    /// <summary>Gets whether records just written are also kept in memory (their batches are held until read back).</summary>
    public bool KeepsRecent => _maxRecentEvents > 0;

    /// <summary>
    /// Creates and locks this instance's directory and adopts the spools of dead processes, but none once <paramref name="stop"/>
    /// (the handler's shutdown) is signalled: those are left for the next start. A spool whose lock is held (a live
    /// process's, or an abandoned worker's of this process still held after <see cref="AbandonedSpools.MaxWait"/>) is
    /// adopted later, once free (<see cref="AdoptAbandoned"/>), and so is one whose process ends after this one started.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created or locked.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public void Open(CancellationToken stop = default)
    {
        OpenOwn();
        AdoptAtStart(stop);
    }

    /// <summary>Gets whether this instance's own directory is made and locked (<see cref="OpenOwn"/>): only then is anything written.</summary>
    public bool OwnOpen => _lock is not null;

    /// <summary>
    /// Makes and locks this instance's directory. One that cannot be (a full disk) is removed again when nothing else is
    /// in it (before, each start on a full disk left an empty folder with a lock file behind); this may be called again.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created or locked.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public void OpenOwn()
    {
        FileStream? locked = null;
        try
        {
            locked = LockOwnDirectory();
            RewriteOwn(); // after its directory was deleted in use (KeepOwn): what it held, from the handles still open
            _lock = locked;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            locked?.Dispose();
            TryDeleteDirectory(_directory); // made for nothing (its lock file, if made, unlinked by LockOwnDirectory)
            throw;
        }
    }

    /// <summary>
    /// Adopts the spools of dead processes at the start (<see cref="Open"/>), this instance's own directory open or not:
    /// one that could not be made (a full disk) must not keep what earlier runs left from being sent, which frees the disk.
    /// </summary>
    public void AdoptAtStart(CancellationToken stop = default)
    {
        _lastLook = _time.GetTimestamp(); // the first look of the worker's (AdoptAbandoned) comes a back-off after this one
        foreach (var directory in Directory.GetDirectories(_root).Order(StringComparer.Ordinal))
        {
            if (!string.Equals(Path.GetFullPath(directory), Path.GetFullPath(_directory), StringComparison.Ordinal))
            {
                var released = AbandonedSpools.ReleaseOf(directory);
                if (!AbandonedSpools.WaitForRelease(released, _time, stop))
                {
                    // Disposed meanwhile — typically while it waited (up to MaxWait) for a worker of this process abandoned
                    // at its own shutdown (a sink that hangs): a spool adopted now would go into books the disposal closed
                    // (before: Adopted and Pending grew after it, the events neither sent nor counted lost, and the
                    // directory held until this worker stopped). Left on disk, whole, for the next start.
                    Report?.Invoke($"The handler was disposed before it adopted the spool {directory}: that spool and those after it are left for the next start.");
                    return;
                }

                if (TryAdopt(directory) == Adoption.Held && released is not null)
                {
                    Hold(directory, released); // adopted on the pass after that worker lets go (AdoptAbandoned)
                }

                // Another held (a live process's) or unreadable one is tried again at the worker's next look (AdoptAbandoned).
            }
        }
    }

    /// <summary>
    /// Makes and locks this instance's directory. Another process may lock it first: making a directory, its lock file and
    /// taking the lock are separate steps (on Unix <see cref="FileShare.None"/> is an open, then a lock), and in between a
    /// process starting at the same moment, or a client of an earlier version looking for dead spools while it runs, takes
    /// the new directory for a dead one and locks it. Before, the exception left <see cref="Open"/> and the handler ran
    /// memory-only for its whole life (its events not durable); now it makes a directory of another name (the instance id
    /// and <c>-2</c>, <c>-3</c>, …) and tries again, up to <see cref="MaxOwnDirectoryTries"/> directories. The one it lost
    /// holds nothing: whoever locked it deletes it, or the start's adoption below does.
    /// </summary>
    private FileStream LockOwnDirectory()
    {
        for (var tries = 1; ; tries++)
        {
            // Owner-only (0700) on Unix: the segments hold the app's logs, and the usual umask left them readable by every
            // local user (security review). The BufferDirectory above it is the app's to choose.
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var path = Path.Combine(_directory, LockFileName);
            BeforeLock?.Invoke(path);
            string why;
            try
            {
                var locked = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

                // Locked, but maybe a file already unlinked: another process locked it in this process's open-to-lock
                // window, found the directory empty, and deleted the lock file (which deleters unlink before they let go,
                // see DeleteAdoptedDirectory) — the directory goes next, and with it this spool. Before, the handler went
                // on with a lock on nothing and ran memory-only. Its name still naming the file held means no deleter got it.
                bool named;
                try
                {
                    AfterLock?.Invoke(path);
                    named = NamesHeldLock(locked, path);
                }
                catch
                {
                    // Not marked (a full disk): the lock file, made for nothing, is unlinked while held, as a deleter does
                    // (DeleteAdoptedDirectory); OpenOwn removes the directory. Before, an empty folder stayed behind.
                    if (!OperatingSystem.IsWindows())
                    {
                        TryDelete(path);
                    }

                    locked.Dispose();
                    if (OperatingSystem.IsWindows())
                    {
                        TryDelete(path);
                    }

                    throw;
                }

                if (named)
                {
                    return locked;
                }

                locked.Dispose();
                if (tries >= MaxOwnDirectoryTries)
                {
                    throw new IOException($"The spool's lock file {path} was deleted by another process as this one locked it, in {MaxOwnDirectoryTries} directories.");
                }

                why = "its lock file deleted as this one locked it";
            }
            catch (IOException e) when (tries < MaxOwnDirectoryTries && (e is DirectoryNotFoundException || IsLockConflict(e)))
            {
                // Held by another process, or the directory deleted by one that locked it, found it empty and let go: told
                // by the exception itself, not by the file's state read after it (which another process may have changed
                // meanwhile: a lock file that exists does not make a full disk's failure another's lock). Not a lock file
                // that could not be made (a full disk): that is thrown, as before, not said to be another's lock.
                why = $"{e.GetType().Name}: {e.Message}";
            }

            var lost = _directory;
            _directory = Path.Combine(_root, $"{_instanceId}-{tries + 1}");
            _bookmark = new SpoolBookmark(_directory, SpoolSegmentName.Version); // not opened yet: nothing to dispose
            Report?.Invoke($"The spool's directory {lost} was locked by another process before this one locked it ({why}): this process spools in {_directory} instead.");
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> names the lock file <paramref name="locked"/> holds, not one made again at its name
    /// after it was unlinked. An adoption of this version makes none in a directory without segments (<see cref="OpenLockToAdopt"/>),
    /// but an earlier build's adoption (its <see cref="FileMode.OpenOrCreate"/>) did, and held it while this process
    /// checked: a check of the name alone (<see cref="File.Exists(string)"/>) then kept a directory that adoption, finding
    /// it empty, deleted next (the spool's first segment: DirectoryNotFound, memory-only for the handler's life). So the
    /// file held is marked with what it holds (this directory's name; no one else writes into a lock file, a lock file made
    /// again is empty) and the name's file must have that length.
    /// </summary>
    private bool NamesHeldLock(FileStream locked, string path)
    {
        var mark = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(_directory) + "\n");
        locked.SetLength(0);
        locked.Write(mark);
        locked.Flush();
        var named = new FileInfo(path);
        return named.Exists && named.Length == mark.Length;
    }

    /// <summary>
    /// Whether opening a lock file with <see cref="FileShare.None"/> failed because another process holds it: on Unix .NET's
    /// <c>flock</c> failing with <c>EWOULDBLOCK</c> (its errno is the exception's HResult: 11 on Linux, 35 on macOS and the
    /// BSDs), on Windows a sharing violation (<c>ERROR_SHARING_VIOLATION</c>, 0x80070020) or a lock violation (0x80070021).
    /// </summary>
    internal static bool IsLockConflict(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : OperatingSystem.IsLinux() ? e.HResult == 11
        : e.HResult == 35;

    /// <summary>
    /// Appends a batch as one record, handed to the operating system before it returns (so it survives
    /// the process being killed); <see cref="Sync"/> makes it survive a power cut too.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="countedEvents">How many of its events count (the app's, not the handler's own notices): what a drop reports.</param>
    /// <param name="uncapped">
    /// Written whatever the caps say (an adopted drop notice, a few hundred bytes): appended to a spool the adopted segments
    /// fill, it made the size cap drop the oldest of them, events of the app for the notice of others.
    /// </param>
    public void Append(LogBatch batch, int countedEvents, bool uncapped = false)
    {
        if (_lock is null)
        {
            // Its own directory could not be made (OpenOwn): an adopted drop notice (AdoptDropNotice) stays in its file.
            throw new IOException($"The spool's directory {_directory} is not open.");
        }

        // Buffers reused for every record: the JSON envelope, then header + its gzip, framed in place (no per-record arrays).
        _buffer.ResetWrittenCount();
        JsonBatchWriter.WriteEnvelope(_buffer, batch, keepMessages: true); // readable by a client of an earlier version, which needs each event's message
        var holdsNotices = countedEvents < batch.Events.Count;
        var record = SpoolRecordFormat.Pack(_buffer.WrittenSpan, _packed, holdsNotices);
        SpoolRecordFormat.WriteHeader(record, countedEvents);
        if (record.Length > _maxBytes && !uncapped)
        {
            if (holdsNotices)
            {
                NoticesDropped?.Invoke(_buffer.WrittenMemory, 0, countedEvents);
            }

            Dropped?.Invoke(countedEvents, SpoolDropReason.TooLarge);
            Report?.Invoke($"A batch of {record.Length} bytes is larger than the spool ({_maxBytes} bytes) and was dropped.");
            return;
        }

        if (!uncapped)
        {
            MakeRoom(record.Length);
        }

        if (_writing is null || _writing.Length >= _segmentBytes)
        {
            StartSegment();
        }

        var start = _writing!.Length;
        try
        {
            BeforeWrite?.Invoke(_writing.Path);
            _writer!.Write(record); // unbuffered (StartSegment): with the operating system when it returns
        }
        catch
        {
            CutBack(start);
            throw;
        }

        _appended = true;
        _writing.Length += record.Length;
        _writing.PendingEvents += countedEvents;
        _writing.MayHoldNotices |= holdsNotices;
        Remember(new RecentRecord(_writing, start, _writing.Length, batch, countedEvents));
    }

    /// <summary>The caps before a record of <paramref name="length"/> bytes is written: what aged out, and the oldest segments while it would not fit.</summary>
    private void MakeRoom(long length)
    {
        DropExpired();
        if (_writing is not null && Over(length))
        {
            // Close the segment being written, so that it too can go if it is the oldest.
            _writer?.Dispose();
            _writer = null;
            _writing = null;
        }

        while (Over(length) && OldestDroppable() is { } oldest)
        {
            DropForRoom(oldest);
        }
    }

    /// <summary>Forces what was appended onto the disk (fsync); the worker calls it once per round, not per record.</summary>
    /// <exception cref="IOException">The directory was deleted in use and could not be made again (<see cref="KeepOwn"/>).</exception>
    public void Sync()
    {
        if (_appended)
        {
            KeepOwn(); // only after a write: a round that wrote nothing puts nothing at risk (the close checks too)
            _appended = false;
        }

        _writer?.Flush(flushToDisk: true);
    }

    /// <summary>
    /// The disk failed while in use (<see cref="SpoolStage"/>): the segment being written is written no more, so the reader
    /// reads it to its end and deletes it once sent, as any other (before, it stayed the one being written, its last records
    /// never read); the next record, if any, starts a new segment. What the spool holds is still read, in order.
    /// </summary>
    public void StopWriting()
    {
        try
        {
            _writer?.Dispose(); // unbuffered (StartSegment): nothing left to write
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Closed all the same.
        }

        _writer = null;
        _writing = null;
    }

    /// <summary>Reads the oldest record not yet delivered; the caller calls <see cref="Acknowledge"/> after delivery.</summary>
    public bool TryReadNext(out SpoolEntry entry)
    {
        DropExpired();
        while (_segments.Count > 0)
        {
            var segment = _segments[0];
            if (_reading != segment)
            {
                if (_reading?.Kept is null)
                {
                    _reader?.Dispose(); // an adopted segment's, opened here; a segment's own handle stays with it
                }

                // Our own segment is read through the handle it keeps (SpoolSegment.Kept), whatever happened to its path.
                _reader = segment.Kept ?? new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                _reading = segment;
            }

            if (!segment.Torn && segment.FirstSettled == 0 && TakeRecent(segment) is { } recent)
            {
                // Written this round and still in memory: the same batch (id, events, identity) that the
                // file holds, without reading it back and parsing its JSON. The file stays the truth after a crash.
                entry = new SpoolEntry(segment, recent.Start, recent.End, recent.Batch, null, recent.EventCount);
                _sending = entry;
                _sendingSettled = 0;
                return true;
            }

            _reader!.Position = segment.Delivered;
            var payload = ArraySegment<byte>.Empty;
            var count = 0;
            var countChecked = false;
            var readable = true;
            var status = segment.Torn ? SpoolRecordFormat.ReadStatus.Torn : SpoolRecordFormat.TryRead(_reader, ref _payload, out payload, out count, out countChecked);
            if ((status is SpoolRecordFormat.ReadStatus.Record or SpoolRecordFormat.ReadStatus.Recovered or SpoolRecordFormat.ReadStatus.Corrupt) && !countChecked)
            {
                // Its header's count is not vouched for (an earlier version's record, or a corrupt one): counted as adopted.
                count = EventsIn(segment, segment.Delivered, payload, count, say: !segment.Adopted, out readable);
            }

            if (status == SpoolRecordFormat.ReadStatus.Recovered)
            {
                // Its header is damaged, its payload vouched for (its checksum over the bytes up to the next record, or its
                // gzip's own): sent, once, as the record it is, and counted as adopted (before: dropped, whole).
                Report?.Invoke($"Damaged header in the record at byte {segment.Delivered} of {segment.Path} (its checksum or its length does not match it): its payload's own check vouches for it, so its {Counted.Events(count - segment.FirstSettledCounted)} are sent.");
            }

            if (status is SpoolRecordFormat.ReadStatus.Record or SpoolRecordFormat.ReadStatus.Recovered)
            {
                try
                {
                    // Not parsed here: a sink that sends envelopes sends the stored bytes (ReadBatch parses when one does not).
                    var json = SpoolRecordFormat.Unpack(payload, _unpacked);
                    var batchId = SpoolSerializer.ReadBatchId(json.Span) ?? throw new InvalidDataException("The envelope has no batchId first.");
                    var gzipped = SpoolRecordFormat.IsGzip(payload) ? payload : ReadOnlyMemory<byte>.Empty;
                    // How many of its first events are the app's, when the record says so (this version's mark, its count
                    // checked): the rest are notices, whatever category the app's are (ReadBatch).
                    var appEvents = status == SpoolRecordFormat.ReadStatus.Record && countChecked && SpoolRecordFormat.Marked(payload) ? count : (int?)null;
                    entry = new SpoolEntry(segment, segment.Delivered, _reader.Position, null, new SpooledEnvelope(json, gzipped, batchId, appEvents), count - segment.FirstSettledCounted, segment.FirstSettled, segment.FirstSettledCounted);
                    _sending = entry;
                    _sendingSettled = 0;
                    return true;
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
                {
                    // A record that passed its checksum but cannot be read (written by an incompatible version): skip it alone.
                    Report?.Invoke($"Skipped an unreadable spool record in {segment.Path}: {e.Message}");
                    SkipRecord(segment, count - segment.FirstSettledCounted, SpoolDropReason.Unreadable);
                    continue;
                }
            }

            if (status == SpoolRecordFormat.ReadStatus.Corrupt)
            {
                // A whole record whose checksum does not match: it alone is dropped, counted; the records after it are read on.
                // In a segment of our own whose record's JSON cannot be read, its header's count is not vouched for (a
                // damaged one was 0, its events left pending and then lost uncounted; diff review): it held what this
                // process wrote there less the records after it, as damaged bytes are counted below.
                var byDifference = !readable && !segment.Adopted;
                var dropped = byDifference ? PendingBefore(segment, _reader.Position) : count - segment.FirstSettledCounted;
                Report?.Invoke(byDifference
                    ? $"Corrupt record at byte {segment.Delivered} of {segment.Path} (its checksum does not match, its JSON cannot be read): skipped, {Counted.Events(dropped)} dropped (what this process wrote there, less the records after it); the records after it are sent."
                    : $"Corrupt record at byte {segment.Delivered} of {segment.Path} (its checksum does not match): skipped, {Counted.Events(dropped)} dropped; the records after it are sent.");
                SkipRecord(segment, dropped, SpoolDropReason.Torn);
                continue;
            }

            if (status == SpoolRecordFormat.ReadStatus.DamagedUncounted)
            {
                // A record whose length does not lead to the next one (damaged), no check vouching for the bytes up to the
                // next whole record (else it is Recovered): they are dropped; the records after them are sent.
                // In a segment of our own, bytes no checksum vouches for held what this process wrote there less the
                // records after them (diff review: said uncounted, they stayed pending — counted torn when the segment
                // ended, or never, and Flush false); in an adopted one they are unknown, and were not counted adopted.
                var next = _reader.Position;
                var dropped = segment.Adopted ? 0 : PendingBefore(segment, next);
                Report?.Invoke(segment.Adopted
                    ? $"Damaged record at byte {segment.Delivered} of {segment.Path} (its length does not lead to the next record, found at byte {next}, and no checksum matches the {next - segment.Delivered} bytes before it): skipped, its events are unknown and not counted; the records after it are sent."
                    : $"Damaged record at byte {segment.Delivered} of {segment.Path} (its length does not lead to the next record, found at byte {next}, and no checksum matches the {next - segment.Delivered} bytes before it): skipped, {Counted.Events(dropped)} dropped (what this process wrote there, less the records after it); the records after it are sent.");
                SkipRecord(segment, dropped, SpoolDropReason.Torn);
                continue;
            }

            if (status == SpoolRecordFormat.ReadStatus.Torn && !segment.Torn)
            {
                segment.Torn = true;
                var lost = segment.PendingEvents;
                Report?.Invoke(lost > 0
                    ? $"Torn or corrupt record at byte {segment.Delivered} of {segment.Path} (a crash while writing): the rest of that segment is skipped, {Counted.Events(lost)} dropped."
                    : $"Torn or corrupt record at byte {segment.Delivered} of {segment.Path} (a crash while writing): the rest of that segment is skipped.");
            }

            if (segment == _writing && !segment.Torn)
            {
                entry = default;
                return false; // caught up with the writer
            }

            Remove(segment, segment.PendingEvents > 0 ? SpoolDropReason.Torn : null);
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// The events of an entry read from disk (parsed from its envelope); null when the record passed its checksum but
    /// cannot be read (written by an incompatible version): then it is skipped alone, its events counted as dropped.
    /// </summary>
    public LogBatch? ReadBatch(SpoolEntry entry)
    {
        if (entry.Batch is { } batch)
        {
            return batch;
        }

        try
        {
            return SpoolSerializer.Deserialize(entry.Envelope!.Json, entry.Envelope.AppEvents);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            Report?.Invoke($"Skipped an unreadable spool record in {entry.Segment.Path}: {e.Message}");
            Dropped?.Invoke(entry.EventCount, SpoolDropReason.Unreadable);
            Acknowledge(entry);
            return null;
        }
    }

    /// <summary>An entry read by <see cref="TryReadNext"/> was delivered (sent, or dropped and counted by its delivery): its record leaves the spool.</summary>
    public void Acknowledge(SpoolEntry entry)
    {
        _sending = null;
        EndCapDrops(); // the backlog moves again: the next time a cap drops, it is said again
        entry.Segment.PendingEvents -= entry.EventCount - _sendingSettled;
        _sendingSettled = 0;
        if (entry.Segment != _writing && entry.End >= entry.Segment.Length)
        {
            entry.Segment.Delivered = entry.End;
            Remove(entry.Segment, dropped: null); // no bookmark: one naming a segment that is gone is ignored
        }
        else
        {
            Advance(entry.Segment, entry.End);
        }
    }

    public void Dispose()
    {
        EndCapDrops();
        _recent.Clear();
        _reader?.Dispose();
        _writer?.Dispose();
        foreach (var segment in _segments)
        {
            segment.Kept?.Dispose();
        }

        _bookmark.Dispose();

        // Nothing of ours left to deliver: every segment of ours goes, before the bookmark does. Not only the one being
        // written: a delivered segment stays on disk while it is (acknowledged, not deleted), and the next record may have
        // started another, empty since (a drop notice alone, or a write the disk refused). Left behind without its bookmark,
        // the next start sent it again from its start and counted its events adopted and sent again.
        // A record of the handler's own not yet sent (a drop notice: no event of the app, PendingEvents 0) is not nothing:
        // deleted, an adopted notice (SpoolStage.SpoolAdoptedNotice) was lost when the app quit offline again. Nor is a
        // notice still held (DropNoticeFile): the directory stays for the next start, which adopts and sends it.
        var empty = !DropNoticeFile.IsIn(_directory)
            && _segments.All(s => s.Adopted || (s.PendingEvents == 0 && (s.Torn || s.Delivered >= s.Length)));
        var left = false;
        if (empty)
        {
            foreach (var segment in _segments.Where(s => !s.Adopted))
            {
                left |= !TryDelete(segment.Path);
            }
        }

        foreach (var owner in _segments.Select(s => s.Owner).OfType<AdoptedDirectory>().Distinct())
        {
            owner.Dispose();
        }

        _lock?.Dispose();
        if (empty && !left && _lock is not null)
        {
            // Nothing left for a next start: leave no directory behind (none was made when Open failed). A segment that
            // could not be deleted keeps the bookmark, which says how far it was delivered.
            TryDelete(_bookmark.Path);
            TryDelete(Path.Combine(_directory, LockFileName));
            TryDeleteDirectory(_directory);
        }
    }

    private void Remember(RecentRecord record)
    {
        if (_maxRecentEvents <= 0)
        {
            return;
        }

        _recent.Enqueue(record);
        _recentEvents += record.Batch.Events.Count;
        while (_recentEvents > _maxRecentEvents && _recent.TryDequeue(out var oldest))
        {
            _recentEvents -= oldest.Batch.Events.Count; // its file record is read instead
        }
    }

    /// <summary>The remembered record that starts where <paramref name="segment"/> is to be read next, if any.</summary>
    private RecentRecord? TakeRecent(SpoolSegment segment)
    {
        // Records are remembered in write order: drop those the reader is past or whose segment is gone.
        while (_recent.TryPeek(out var head)
            && ((head.Segment == segment && head.Start < segment.Delivered) || !_segments.Contains(head.Segment)))
        {
            _recent.Dequeue();
            _recentEvents -= head.Batch.Events.Count;
        }

        if (_recent.TryPeek(out var next) && next.Segment == segment && next.Start == segment.Delivered)
        {
            _recent.Dequeue();
            _recentEvents -= next.Batch.Events.Count;
            return next;
        }

        return null;
    }

    private sealed record RecentRecord(SpoolSegment Segment, long Start, long End, LogBatch Batch, int EventCount);
}
