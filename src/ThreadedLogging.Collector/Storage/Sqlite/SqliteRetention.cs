using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Removes old events from both SQLite files, oldest first, in short transactions of its own (each takes the
/// write lock for a few milliseconds, so the events' writer and the indexer wait at most that long).
/// </summary>
/// <remarks>
/// Crash safety, like <c>fts_queue</c> for inserts: each chunk of events is deleted in one transaction of the
/// main file that also raises <c>retention_state.purged_below</c> (ids sort like time); the same id range is then
/// deleted from the full-text file, but for the events stored in it by then (late ones, stored after the first commit),
/// in one transaction that raises its <c>fts_purge.purged_below</c>. A stop between the two commits leaves index entries
/// without events (never shown: full-text queries join the events); the next open or run deletes every index entry below
/// the main file's mark but those of stored events. The index table is
/// created with <c>contentless_delete = 1</c>, so deleting an entry needs only its rowid, and deleting one
/// that is not (yet) indexed does nothing: the indexer, when it comes to it, indexes an event below the mark only if it
/// is still stored (<see cref="SqliteFtsIndexer.IndexNow"/>), so a deleted event's entry is never added after its purge.
/// </remarks>
internal sealed class SqliteRetention(string databasePath, string fullTextPath)
{
    /// <summary>Events deleted per transaction.</summary>
    private const int ChunkEvents = 2000;

    /// <summary>The first chunk removed for the free-space reserve: what it frees gives the bytes per event that size the next ones.</summary>
    private const int ProbeEvents = 100;

    /// <summary>
    /// Keys of <c>instances</c> looked at per transaction. Each instance deleted rewrites a page of the names' unique
    /// index (random names): with 1.5 million instances (16 KiB pages, sqlite3 shell), a range of 5,000 keys took
    /// 0.2–0.3 s when all of them went (a backlog, as after an upgrade), 20,000 keys 0.6 s; a range of 20,000 with
    /// none to delete, 1 ms.
    /// </summary>
    private const int ChunkInstances = 5_000;

    /// <summary>How long a checkpoint held by a snapshot waits before it tries again.</summary>
    private static readonly TimeSpan HeldRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Gets how many idempotency keys one transaction deletes (tests set a small one).</summary>
    internal int BatchKeysPerChunk { get; init; } = 5000;

    /// <summary>Gets a step run after a chunk's events are committed and before its index entries are (tests: a crash there).</summary>
    internal Action? AfterEventsChunk { get; init; }

    /// <summary>
    /// Gets how long a checkpoint tries again while a reader's snapshot holds the WAL (a query, the indexer looking up an
    /// event, a writer's transaction) before the WAL is counted as it is: a snapshot that ends within it frees its WAL,
    /// which the size cap must not pay for with events.
    /// </summary>
    internal TimeSpan ReaderWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets a step run each time a checkpoint found the WAL held, before it tries again (tests: the reader ends).</summary>
    internal Action? CheckpointHeld { get; init; }

    /// <summary>Runs retention: age, then the size cap, then the free-space reserve.</summary>
    /// <param name="options">What to keep.</param>
    /// <param name="now">The time <see cref="RetentionOptions.MaxAge"/> counts back from.</param>
    /// <param name="cancellationToken">Stops the run between two transactions.</param>
    /// <param name="reserve">The free-space reserve, or null for none.</param>
    /// <param name="removed">Told of each chunk as its events' transaction commits.</param>
    /// <param name="walBytes">The WAL bytes after which its deletes checkpoint (<see cref="SqliteCommands.WalBytesFor"/>).</param>
    /// <param name="betweenCommits">
    /// Runs a chunk's transaction between two group commits of the store's writer, which then forgets the names the chunk
    /// deleted (<see cref="DeletedChunk.Names"/>), so that it stores no event under their keys; null: run directly.
    /// </param>
    public RetentionResult Run(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, DiskReserve? reserve = null, Action<RetentionReason, long>? removed = null, long walBytes = SqliteCommands.CheckpointWalBytes, Func<Func<DeletedChunk>, DeletedChunk>? betweenCommits = null)
    {
        var cutoff = now - options.MaxAge;
        using var main = SqliteCommands.OpenReadWrite(databasePath, walBytes);
        using var fts = SqliteCommands.OpenReadWrite(fullTextPath, walBytes);
        CatchUpFullText(main, fts);

        long byAge = 0;
        var below = SqliteEventIds.First(cutoff);
        for (int chunk; (chunk = RemoveChunk(main, fts, below, ChunkEvents, RetentionReason.Age, removed, betweenCommits)) > 0;)
        {
            byAge += chunk;
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Dedupe keys of batches received before the cutoff, a chunk per transaction, and users not seen since.
        RemoveBatchKeys(main, cutoff, cancellationToken);
        Execute(main, "DELETE FROM users WHERE last_seen < $ticks", cutoff.UtcTicks);

        long bySize = 0;
        long walHeld = 0;
        var wait = new ReaderWaitLeft(ReaderWait, cancellationToken);
        if (options.MaxBytes is { } maxBytes)
        {
            (var bytes, walHeld) = StoreBytes(main, fts, wait);
            while (bytes > maxBytes)
            {
                var chunk = RemoveChunk(main, fts, long.MaxValue, ChunkEvents, RetentionReason.Size, removed, betweenCommits);
                bySize += chunk;
                cancellationToken.ThrowIfCancellationRequested();
                (var after, walHeld) = StoreBytes(main, fts, wait);
                if (chunk == 0 || after >= bytes)
                {
                    break; // nothing left, or the deletes went into a WAL not cut back (a full disk): fewer events would not shrink it
                }

                bytes = after;
            }
        }

        var (byFreeSpace, unmet) = reserve is null ? (0, null) : KeepFreeSpace(main, fts, reserve, removed, wait, betweenCommits, cancellationToken);

        if (options.MaxBytes is not null || reserve is not null)
        {
            RemoveUsersWithoutEvents(main); // every run: one stopped past a chunk (cancelled, a failure) skipped it
        }

        // Instances only when the mark moved: those below an older mark went in an earlier run.
        var instances = byAge + bySize + byFreeSpace > 0 ? RemoveInstances(main, cancellationToken) : 0;
        return new RetentionResult(cutoff, byAge, bySize, [], instances, byFreeSpace, unmet, walHeld);
    }

    /// <summary>
    /// Removes the oldest events until the filesystem's free bytes and the pages free inside both files (reused by later
    /// writes) are at least the reserve (<see cref="DiskReserve"/>), or nothing is left, and none when removing every event
    /// would not restore it (<see cref="DiskReserve.BeyondReach"/>: ingest is refused instead); returns how many, and the room
    /// last measured when nothing was left, or when the filesystem has too little room for the WALs (no delete helps). Room is measured before each chunk (each measure checkpoints first: a WAL
    /// cut back gives its bytes back to the filesystem), and each chunk is sized to what is missing at the bytes per
    /// event the chunks so far freed (the first, <see cref="ProbeEvents"/>, to learn it), at most <see cref="ChunkEvents"/>.
    /// </summary>
    /// <remarks>
    /// What may remain is an overshoot of the last chunk's estimate: pages are freed only once empty, and index pages
    /// (time, level, user, full text) empty later than the events' own, so a chunk may free more or less than the
    /// average so far; a chunk that freed nothing measurable makes the next one as large as <see cref="ChunkEvents"/>.
    /// </remarks>
    private (long Removed, ReserveShortfall? Unmet) KeepFreeSpace(SqliteConnection main, SqliteConnection fts, DiskReserve reserve, Action<RetentionReason, long>? onRemoved, ReaderWaitLeft wait, Func<Func<DeletedChunk>, DeletedChunk>? betweenCommits, CancellationToken cancellationToken)
    {
        long removed = 0;
        long? firstHeadroom = null;
        while (true)
        {
            _ = Checkpoint(main, wait);
            _ = Checkpoint(fts, wait);
            if (reserve.FreeBytes() is not { } free)
            {
                return (removed, null);
            }

            var reusable = FreeListBytes(main) + FreeListBytes(fts);
            reserve.Evaluate(free, reusable, askRetention: false);
            var headroom = free + reusable;
            if (headroom >= reserve.MinFreeBytes)
            {
                // Met, but for the WALs' room maybe: no delete makes the filesystem room (the files do not shrink).
                var walRoom = reserve.WalRoom(free);
                return (removed, walRoom >= reserve.WalRoomBytes ? null : new ReserveShortfall(free, reusable, reserve.MinFreeBytes, walRoom - free, reserve.WalRoomBytes));
            }

            // Beyond reach: removing every event would not restore the reserve (the filesystem's free bytes and every page
            // of both files under it). Nothing goes: those events were accepted, and removing them helps no one.
            reserve.Reach(free, FileBytes(main) + FileBytes(fts));
            if (reserve.BeyondReach)
            {
                return (removed, new ReserveShortfall(free, reusable, reserve.MinFreeBytes, reserve.WalRoom(free) - free, reserve.WalRoomBytes));
            }

            firstHeadroom ??= headroom;
            var size = ChunkSize(reserve.MinFreeBytes - headroom, headroom - firstHeadroom.Value, removed);
            var chunk = RemoveChunk(main, fts, long.MaxValue, size, RetentionReason.FreeSpace, onRemoved, betweenCommits);
            if (chunk == 0)
            {
                // Nothing left: ingest stays refused under half the reserve (DiskReserve), and the service holds off.
                return (removed, new ReserveShortfall(free, reusable, reserve.MinFreeBytes, reserve.WalRoom(free) - free, reserve.WalRoomBytes));
            }

            removed += chunk;
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The events of the next free-space chunk: <paramref name="missing"/> bytes at what <paramref name="removed"/> events freed (<paramref name="gained"/>).</summary>
    private static int ChunkSize(long missing, long gained, long removed)
    {
        if (removed == 0)
        {
            return ProbeEvents;
        }

        if (gained <= 0)
        {
            return ChunkEvents;
        }

        var events = Math.Ceiling(missing * (double)removed / gained);
        return (int)Math.Clamp(events, 1, ChunkEvents);
    }

    private static long FileBytes(SqliteConnection connection) =>
        Scalar(connection, "SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s");

    private static long FreeListBytes(SqliteConnection connection) =>
        Scalar(connection, "SELECT f.freelist_count * s.page_size FROM pragma_freelist_count() f, pragma_page_size() s");

    /// <summary>Deletes from the index every entry below the main file's mark (after a stop between the two commits).</summary>
    public void CatchUpFullText(long walBytes)
    {
        using var main = SqliteCommands.OpenReadWrite(databasePath, walBytes);
        using var fts = SqliteCommands.OpenReadWrite(fullTextPath, walBytes);
        CatchUpFullText(main, fts);
    }

    private static void CatchUpFullText(SqliteConnection main, SqliteConnection fts)
    {
        var mark = Scalar(main, "SELECT coalesce(max(purged_below), 0) FROM retention_state");
        if (Scalar(fts, "SELECT coalesce(max(purged_below), 0) FROM fts_purge") < mark)
        {
            PurgeFullText(main, fts, 0, mark);
        }
    }

    /// <summary>
    /// Deletes the oldest events below <paramref name="belowId"/> (at most <paramref name="limit"/>) from both files; returns
    /// how many. <paramref name="onRemoved"/> is told as soon as the events' transaction commits.
    /// </summary>
    private int RemoveChunk(SqliteConnection main, SqliteConnection fts, long belowId, int limit, RetentionReason reason, Action<RetentionReason, long>? onRemoved, Func<Func<DeletedChunk>, DeletedChunk>? betweenCommits)
    {
        var (count, first, last, _) = betweenCommits is { } between ? between(() => DeleteChunk(main, belowId, limit)) : DeleteChunk(main, belowId, limit);
        if (count == 0)
        {
            return 0;
        }

        onRemoved?.Invoke(reason, count);
        AfterEventsChunk?.Invoke();
        PurgeFullText(main, fts, first, last + 1);
        return count;
    }

    /// <summary>
    /// Deletes the oldest events below <paramref name="belowId"/> (at most <paramref name="limit"/>), and the names only they
    /// had (<see cref="SqliteNamePrune"/>), in one transaction of the main file that also raises the mark.
    /// </summary>
    private static DeletedChunk DeleteChunk(SqliteConnection main, long belowId, int limit)
    {
        using var transaction = main.BeginTransaction();
        using var chunk = main.CreateCommand();
        chunk.CommandText = "SELECT min(id), max(id), count(*) FROM (SELECT id FROM events WHERE id < $below ORDER BY id LIMIT $chunk)";
        chunk.Parameters.AddWithValue("$below", belowId);
        chunk.Parameters.AddWithValue("$chunk", limit);
        long first, last;
        int count;
        using (var reader = chunk.ExecuteReader())
        {
            reader.Read();
            count = reader.GetInt32(2);
            if (count == 0)
            {
                return new DeletedChunk(0, 0, 0, []);
            }

            (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var prune = new SqliteNamePrune();
        prune.AddRange(transaction, first, last);
        using var delete = main.CreateCommand();
        delete.CommandText = """
            DELETE FROM events WHERE id BETWEEN $first AND $last;
            INSERT INTO retention_state (id, purged_below) VALUES (0, $mark)
                ON CONFLICT (id) DO UPDATE SET purged_below = max(purged_below, excluded.purged_below);
            """;
        delete.Parameters.AddWithValue("$first", first);
        delete.Parameters.AddWithValue("$last", last);
        delete.Parameters.AddWithValue("$mark", last + 1);
        delete.ExecuteNonQuery();
        var names = prune.Drop(transaction, overwriteLargest: false);
        transaction.Commit();
        return new DeletedChunk(count, first, last, names);
    }

    /// <summary>
    /// Deletes the idempotency keys received before <paramref name="cutoff"/>: a chunk per statement (its own
    /// transaction), found through <c>ix_batches_received</c>, so the events' writer waits at most one chunk.
    /// </summary>
    private void RemoveBatchKeys(SqliteConnection main, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        using var delete = main.CreateCommand();
        delete.CommandText = SqliteSchema.DeleteOldBatchKeys;
        delete.Parameters.AddWithValue("$ticks", cutoff.UtcTicks);
        delete.Parameters.AddWithValue("$chunk", BatchKeysPerChunk);
        while (delete.ExecuteNonQuery() > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Deletes the users rows whose events the size cap or the free-space reserve removed, all of them: those chunks go by
    /// id, not by the age <c>users.last_seen</c> is compared with, so a user whose last event went would stay listed with
    /// no event until <see cref="RetentionOptions.MaxAge"/>. Candidates are the users last seen before the millisecond of
    /// the oldest event left (an id is never before its own millisecond, so every removed event was before it); each is
    /// deleted only when no event of its name is left, in the same statement, so an ingest of the user that commits first
    /// keeps its row, and one that commits after adds a row of its own. Run by every run with a cap or a reserve, not only
    /// by one that removed events for them: a run stopped after a chunk (cancelled, or a failure) leaves it to the next.
    /// Cheap when there is nothing to do: the oldest event by id, and the users last seen before it by their index.
    /// </summary>
    private static void RemoveUsersWithoutEvents(SqliteConnection main)
    {
        var oldest = Scalar(main, "SELECT coalesce((SELECT id FROM events ORDER BY id LIMIT 1), -1)");
        var before = oldest < 0
            ? long.MaxValue
            : DateTimeOffset.UnixEpoch.UtcTicks + (((oldest >> SqliteEventIds.CounterBits) + 1) * TimeSpan.TicksPerMillisecond);
        Execute(main, """
            DELETE FROM users WHERE last_seen < $ticks AND NOT CASE WHEN user = ''
                THEN EXISTS (SELECT 1 FROM events WHERE user_key IS NULL)
                ELSE EXISTS (SELECT 1 FROM events e JOIN user_names n ON e.user_key = n.id WHERE n.name = users.user) END
            """, before);
    }

    /// <summary>
    /// Deletes the client instances whose events are all gone: <c>last_id</c> (at least each of their event ids, see
    /// <see cref="SqliteInstanceKeys"/>) below the mark, under which no event is left. The instance with the largest
    /// key stays: SQLite gives a new row the largest key + 1, so a deleted key is never given to another instance
    /// (a key the writer kept in memory finds no row, never another instance's). Returns how many were deleted.
    /// </summary>
    private static long RemoveInstances(SqliteConnection main, CancellationToken cancellationToken)
    {
        var mark = Scalar(main, "SELECT coalesce(max(purged_below), 0) FROM retention_state");
        var first = Scalar(main, "SELECT coalesce(min(id), 0) FROM instances");
        var top = Scalar(main, "SELECT coalesce(max(id), 0) FROM instances");

        using var delete = main.CreateCommand();
        delete.CommandText = "DELETE FROM instances WHERE id >= $from AND id < $to AND last_id < $mark";
        var from = delete.Parameters.Add("$from", SqliteType.Integer);
        var to = delete.Parameters.Add("$to", SqliteType.Integer);
        delete.Parameters.AddWithValue("$mark", mark);
        long removed = 0;
        for (var start = first; start < top; start += ChunkInstances)
        {
            from.Value = start;
            to.Value = Math.Min(start + ChunkInstances, top);
            removed += delete.ExecuteNonQuery(); // a transaction each
            cancellationToken.ThrowIfCancellationRequested();
        }

        return removed;
    }

    /// <summary>
    /// Deletes the index entries of the ids from <paramref name="fromId"/> to below <paramref name="belowId"/>, but those of
    /// events stored there now, and raises the index's mark. A late event (an old time: a client's spool sent after an
    /// outage) stored and indexed after the events' commit lost its entry to the range's delete, found by full text no more.
    /// The stored ids are read under the index's write lock (<c>BEGIN IMMEDIATE</c>), which the indexer takes too: an event
    /// indexed before was committed before, and is seen; one indexed after finds the mark raised and is indexed if it is
    /// stored (<see cref="SqliteFtsIndexer.IndexNow"/>).
    /// </summary>
    private static void PurgeFullText(SqliteConnection main, SqliteConnection fts, long fromId, long belowId)
    {
        using var transaction = fts.BeginTransaction();
        using var delete = fts.CreateCommand();
        delete.CommandText = "DELETE FROM events_fts WHERE rowid >= $from AND rowid < $below";
        var from = delete.Parameters.Add("$from", SqliteType.Integer);
        var below = delete.Parameters.Add("$below", SqliteType.Integer);
        var start = fromId;
        foreach (var stored in StoredIds(main, fromId, belowId))
        {
            if (start < stored)
            {
                (from.Value, below.Value) = (start, stored);
                delete.ExecuteNonQuery();
            }

            start = stored + 1;
        }

        if (start < belowId)
        {
            (from.Value, below.Value) = (start, belowId);
            delete.ExecuteNonQuery();
        }

        using var mark = fts.CreateCommand();
        mark.CommandText = """
            INSERT INTO fts_purge (id, purged_below) VALUES (0, $below)
                ON CONFLICT (id) DO UPDATE SET purged_below = max(purged_below, excluded.purged_below);
            """;
        mark.Parameters.AddWithValue("$below", belowId);
        mark.ExecuteNonQuery();
        transaction.Commit();
        SqliteFtsIndexer.Merge(fts); // the deleted entries' space back (FTS5 no longer merges inside the deletes)
    }

    /// <summary>The ids of the events stored from <paramref name="fromId"/> to below <paramref name="belowId"/>, in order (after a purge of the range: the late ones, most often none).</summary>
    private static List<long> StoredIds(SqliteConnection main, long fromId, long belowId)
    {
        using var command = main.CreateCommand();
        command.CommandText = "SELECT id FROM events WHERE id >= $from AND id < $below ORDER BY id";
        command.Parameters.AddWithValue("$from", fromId);
        command.Parameters.AddWithValue("$below", belowId);
        var ids = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>
    /// What the two files take on disk as <c>Retention:MaxBytes</c> counts it: their pages in use and their WAL files, each
    /// WAL checkpointed and cut to nothing first; and the bytes of a WAL that a reader's snapshot held past the wait, not
    /// counted. Without the WAL, a 20 MB cap on a 64 MB disk never removed anything while the WAL filled the disk (before
    /// the writers cut it back, <see cref="SqliteCommands.WalBytesFor"/>). A held WAL is not counted (review11 #4): no event
    /// removed would shrink it — their deletes go into it, so it grows — and counted, it made each run remove a chunk
    /// (a <c>sqlite3 .backup</c> of 10,000 events: 2,000 gone, the files 10.9 → 13.0 MB). What it takes of the disk is the
    /// free-space reserve's (<see cref="KeepFreeSpace"/>) to judge; it is cut back once the snapshot ends.
    /// </summary>
    private (long Bytes, long WalHeld) StoreBytes(SqliteConnection main, SqliteConnection fts, ReaderWaitLeft wait)
    {
        var mainWal = Checkpoint(main, wait) ? WalBytes(databasePath) : 0;
        var ftsWal = Checkpoint(fts, wait) ? WalBytes(fullTextPath) : 0;
        var bytes = UsedBytes(main) + UsedBytes(fts) + WalBytes(databasePath) + WalBytes(fullTextPath);
        return (bytes - mainWal - ftsWal, mainWal + ftsWal);
    }

    /// <summary>
    /// Moves the WAL into the file and cuts it to nothing; returns whether a snapshot of another connection still holds it
    /// (the pragma answers 1, busy): tried again every <see cref="HeldRetryDelay"/> for at most <see cref="ReaderWait"/> in a
    /// run, as readers and the writers' transactions are short. Not finishing for want of room is no hold: on a full disk
    /// the file cannot grow to take the pages (SQLITE_FULL): then the WAL is counted as it is, and the deletes that follow
    /// reuse the space in it.
    /// </summary>
    /// <remarks>
    /// Counted while a snapshot held it, the WAL of a 2 MiB cap's store (8 MB of events just written, the indexer looking
    /// up an event) made the cap remove every event where one chunk was enough (stop 52's CI).
    /// </remarks>
    private bool Checkpoint(SqliteConnection connection, ReaderWaitLeft wait)
    {
        bool held;
        while ((held = CheckpointHeldByAnother(connection)) && wait.Left > TimeSpan.Zero)
        {
            CheckpointHeld?.Invoke();
            var started = Stopwatch.GetTimestamp();
            wait.Stop.WaitHandle.WaitOne(HeldRetryDelay); // SQLite tells no snapshot's end: the run's stop ends the wait
            wait.Stop.ThrowIfCancellationRequested();
            wait.Left -= Stopwatch.GetElapsedTime(started);
        }

        return held;
    }

    private static bool CheckpointHeldByAnother(SqliteConnection connection)
    {
        try
        {
            return Scalar(connection, "PRAGMA wal_checkpoint(TRUNCATE)") != 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_FULL)
        {
            return false;
        }
    }

    private static long WalBytes(string path)
    {
        var wal = new FileInfo(path + "-wal");
        return wal.Exists ? wal.Length : 0;
    }

    /// <summary>Bytes in use (pages not on the free list): deleting rows frees pages for reuse without shrinking the file.</summary>
    private static long UsedBytes(SqliteConnection connection) =>
        Scalar(connection, "SELECT (p.page_count - f.freelist_count) * s.page_size FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s");

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private static void Execute(SqliteConnection connection, string sql, long ticks)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$ticks", ticks);
        command.ExecuteNonQuery();
    }

    /// <summary>What is left of a run's <see cref="ReaderWait"/>: a snapshot that outlasts it is waited for once, not at every measure.</summary>
    private sealed class ReaderWaitLeft(TimeSpan left, CancellationToken stop)
    {
        public TimeSpan Left { get; set; } = left;

        public CancellationToken Stop => stop;
    }

    /// <summary>A chunk's events deleted (how many, the first and last id) and the names deleted with them (<see cref="SqliteNameCache.Tables"/>' index, key).</summary>
    internal readonly record struct DeletedChunk(int Count, long First, long Last, List<(int Table, long Key)> Names);
}
