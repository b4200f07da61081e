using System.Globalization;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The free space kept on the data folder's filesystem (<see cref="RetentionOptions.MinFreeBytes"/>). SQLite's files do
/// not shrink when rows are deleted: freed pages are reused by later writes. So the room the store has is the
/// filesystem's free bytes plus the pages free inside its two files (<see cref="Evaluate"/>'s headroom). Under the
/// reserve, retention runs at once (<see cref="RetentionTrigger"/>) and removes the oldest events until the headroom is
/// back over it; under half of it (retention could not help: nothing left to remove, or ingest outruns it) writes are
/// refused with 503 until the headroom is over the whole reserve again, so that retention's own deletes and checkpoints
/// still fit (SQLITE_FULL would refuse them too). Writes are refused too while the filesystem has less room than the
/// two WALs may take between checkpoints (<see cref="WalRoomBytes"/>), whatever the reusable pages: in WAL mode each
/// write goes to a WAL first, and a WAL grows on the filesystem (review13: 0 bytes free and the free pages counted, the
/// reserve said ok — no warning, <c>/health</c> ok — while every write failed with SQLITE_FULL). The requests queued
/// together are committed together: each is admitted against its own size beside theirs (<see cref="Admit"/>).
/// </summary>
/// <param name="minFreeBytes">The reserve; 0 for none.</param>
/// <param name="walBytes">The WAL bytes of each of the two files between checkpoints (<see cref="SqliteCommands.WalBytesFor"/>: a quarter of the reserve at most).</param>
/// <param name="space">The filesystem's free bytes.</param>
/// <param name="folder">The data folder.</param>
/// <param name="trigger">Where a retention run is asked for.</param>
/// <param name="time">The clock of <see cref="AskEvery"/>.</param>
internal sealed class DiskReserve(long minFreeBytes, long walBytes, DataFolderSpace space, string folder, RetentionTrigger trigger, TimeProvider time)
{
    /// <summary>The shortest time between two runs asked for: with nothing left to remove, a run per request would spin.</summary>
    public static readonly TimeSpan AskEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private long _askedAt;
    private long _reusable = -1;
    private long _admitted;
    private volatile string? _refusal;
    private volatile bool _beyondReach;

    /// <summary>Gets the reserve in bytes; 0 when off.</summary>
    public long MinFreeBytes => minFreeBytes;

    /// <summary>Gets the WAL bytes of each of the store's two files between checkpoints.</summary>
    public long WalBytes => walBytes;

    /// <summary>Gets the room both WALs may take between checkpoints: twice <see cref="WalBytes"/> (half the reserve at most).</summary>
    public long WalRoomBytes => 2 * walBytes;

    /// <summary>What <c>/health</c> and ingest's 503 say of a write the reserve refused: no numbers (<c>/health</c> needs no key; <c>/metrics</c> has them).</summary>
    public const string PublicRefusal = "disk nearly full: the data folder's free space is under half of Collector:Retention:MinFreeBytes, kept for retention's deletes";

    /// <summary>
    /// What <c>/health</c> and ingest's 503 say when the reserve is beyond the store's reach (<see cref="BeyondReach"/>):
    /// retention keeps the events, writes wait for room.
    /// </summary>
    public const string PublicBeyondReach = "disk nearly full: the data folder's free space is under Collector:Retention:MinFreeBytes and removing every event would not restore it, so retention keeps the events and writes wait for room on the disk";

    /// <summary>Gets the public reason of the refusal in force (<see cref="PublicRefusal"/> or <see cref="PublicBeyondReach"/>).</summary>
    public string PublicReason => _beyondReach ? PublicBeyondReach : PublicRefusal;

    /// <summary>
    /// Gets a value indicating whether retention found the reserve beyond the store's reach: the filesystem's free bytes
    /// and the whole of the store's two files (every page, as if every event were removed) under the reserve. Retention
    /// then removes nothing (review16: 60 events answered 201 were all removed within 3 s for a reserve that removing them
    /// could not meet, and ingest went on taking and removing events: a black hole), and writes are refused, over half of
    /// the reserve too, until the headroom is over the reserve again (<see cref="Evaluate"/>) or a run finds it in reach.
    /// </summary>
    public bool BeyondReach => _beyondReach;

    /// <summary>Says what retention found of the reserve's reach (<see cref="BeyondReach"/>); refuses writes at once when beyond it.</summary>
    /// <param name="free">The filesystem's free bytes.</param>
    /// <param name="storeBytes">The bytes of every page of the store's two files.</param>
    public void Reach(long free, long storeBytes)
    {
        if (free + storeBytes >= minFreeBytes)
        {
            _beyondReach = false;
            return;
        }

        _beyondReach = true;
        _refusal = BeyondReachRefusal(free, storeBytes);
    }

    /// <summary>Reads the filesystem's free bytes now (a statvfs: a few microseconds), or null when it cannot be read or the reserve is off.</summary>
    public long? FreeBytes() => minFreeBytes > 0 ? space.FreeBytes(folder) : null;

    /// <summary>Gets the disk bytes of the requests admitted and not yet committed (<see cref="Admit"/>).</summary>
    public long AdmittedBytes => Volatile.Read(ref _admitted);

    /// <summary>
    /// Checked before each write is queued: the filesystem's free bytes now and the store's free pages as last measured
    /// (<paramref name="measureReusable"/> measures them when never measured yet), then the request's own
    /// <paramref name="bytes"/> (<see cref="PendingAppend.DiskBytes"/>) beside those of the requests admitted and not yet
    /// committed: with any of those, together they must fit in the headroom above half of the reserve, as one group
    /// commit may take them all (before, a check of the free bytes alone let many large requests in at once, past the
    /// reserve and the disk).
    /// Returns why the write is refused, or null; <paramref name="counted"/> is what <see cref="Committed"/> gives back.
    /// </summary>
    public string? Admit(long bytes, Func<long> measureReusable, out long counted)
    {
        counted = 0;
        if (FreeBytes() is not { } free)
        {
            return null;
        }

        long reusable;
        if (free >= minFreeBytes && free >= WalRoomBytes)
        {
            _refusal = null; // the headroom and the WALs' room are at least the free bytes
            _beyondReach = false;
            reusable = Math.Max(0, Volatile.Read(ref _reusable));
        }
        else
        {
            reusable = Volatile.Read(ref _reusable);
            if (reusable < 0)
            {
                reusable = measureReusable();
            }

            if (Evaluate(free, reusable) is { } refusal)
            {
                return refusal;
            }
        }

        lock (_gate)
        {
            // A request alone is checked as above only: were it refused for its size with the headroom over the reserve,
            // retention would find nothing to remove and it would be refused for ever.
            var room = free + reusable - (minFreeBytes / 2) - _admitted;
            if (bytes > room && _admitted > 0)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"disk nearly full: the request may take {bytes} bytes of disk (its events, their copy in the write-ahead log and the full-text index) and {_admitted} are taken by requests not yet committed, beyond the {free} bytes free for the data folder and {reusable} reusable in the store's files less half of Collector:Retention:MinFreeBytes ({minFreeBytes}), kept for retention's deletes");
            }

            _admitted += bytes;
        }

        counted = bytes;
        return null;
    }

    /// <summary>Gives back what <see cref="Admit"/> counted once the request's group commit has ended (its bytes are in the files now, or nowhere).</summary>
    public void Committed(long counted)
    {
        if (counted != 0)
        {
            lock (_gate)
            {
                _admitted -= counted;
            }
        }
    }

    /// <summary>Takes a fresh measure (the watch, every second): <see cref="Evaluate"/> with the store's free pages measured now when the filesystem is under the reserve.</summary>
    public string? Measure(Func<long> measureReusable) =>
        FreeBytes() is not { } free ? null : Evaluate(free, free >= minFreeBytes ? Math.Max(0, Volatile.Read(ref _reusable)) : measureReusable());

    /// <summary>
    /// Takes a measure: asks for retention when the headroom (<paramref name="free"/> + <paramref name="reusable"/>) is
    /// under the reserve or the WALs' room (<see cref="WalRoom"/>) under <see cref="WalRoomBytes"/> (at most once every
    /// <see cref="AskEvery"/>; not when retention itself measures, <paramref name="askRetention"/> false), refuses writes
    /// under half of the reserve or the WALs' room, and lets them go again once both are met (and tells retention that
    /// room is back: <see cref="RetentionTrigger.RoomBack"/>). Returns why writes are refused, or null.
    /// </summary>
    public string? Evaluate(long free, long reusable, bool askRetention = true)
    {
        Volatile.Write(ref _reusable, reusable);
        var headroom = free + reusable;
        var walRoom = WalRoom(free);
        if (headroom >= minFreeBytes && walRoom >= WalRoomBytes)
        {
            _refusal = null;
            _beyondReach = false;
            trigger.RoomBack();
            return null;
        }

        if (askRetention)
        {
            AskRetention();
        }

        if (_refusal is null && headroom >= minFreeBytes / 2 && walRoom >= WalRoomBytes)
        {
            return null;
        }

        if (_beyondReach && headroom >= minFreeBytes / 2 && walRoom >= WalRoomBytes && _refusal is { } beyond)
        {
            return beyond; // retention's measure: the store's files, which this one does not read
        }

        _beyondReach = _beyondReach && headroom >= minFreeBytes / 2 && walRoom >= WalRoomBytes;
        _refusal = walRoom < WalRoomBytes
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"disk nearly full: {free} bytes free for the data folder and {walRoom - free} in the write-ahead logs' files, under the {WalRoomBytes} both may take between checkpoints (a quarter of Collector:Retention:MinFreeBytes, {minFreeBytes}, each); the {reusable} bytes reusable in the store's files do not help: every write goes to a write-ahead log first")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"disk nearly full: {free} bytes free for the data folder and {reusable} reusable in the store's files, under half of Collector:Retention:MinFreeBytes ({minFreeBytes}), kept for retention's deletes; retention removes the oldest events while there are any");
        return _refusal;
    }

    private string BeyondReachRefusal(long free, long storeBytes) => string.Create(
        CultureInfo.InvariantCulture,
        $"disk nearly full: {free} bytes free for the data folder and {storeBytes} in the store's files, under Collector:Retention:MinFreeBytes ({minFreeBytes}) even with every event removed: retention keeps the events and writes wait for room on the disk");

    /// <summary>
    /// The filesystem's room for the two WALs: its <paramref name="free"/> bytes and what their files hold already, each
    /// up to <see cref="WalBytes"/> (after a checkpoint a WAL starts over in its own file, cut back to that size). A WAL
    /// cut to nothing (retention's checkpoints) gives its bytes to the filesystem: the room stays the same.
    /// </summary>
    public long WalRoom(long free) =>
        free + Math.Min(WalFileBytes(SqliteEventStore.FileName), walBytes) + Math.Min(WalFileBytes(SqliteFtsIndexer.FileName), walBytes);

    private long WalFileBytes(string file)
    {
        var wal = new FileInfo(Path.Combine(folder, file + "-wal"));
        try
        {
            return wal.Exists ? wal.Length : 0;
        }
        catch (FileNotFoundException)
        {
            return 0; // gone since (a checkpoint of the last connection)
        }
    }

    private void AskRetention()
    {
        lock (_gate)
        {
            if (_askedAt != 0 && time.GetElapsedTime(_askedAt) < AskEvery)
            {
                return;
            }

            _askedAt = time.GetTimestamp();
        }

        trigger.RunNow();
    }
}
