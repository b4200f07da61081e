using System.Buffers.Binary;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The full-text index (FTS5) of the messages, exceptions, properties and scopes, in a second SQLite file written by a thread of its own,
/// so that indexing runs on the second core beside the events' writer instead of inside its
/// transactions (FTS5 was ~40 % of the writer's time). The events' writer hands over each group commit's
/// (id, message, exception) after its commit; the same transaction left a row in <c>fts_queue</c> (main file)
/// naming those ids, so that a crash between the two commits is repaired at the next start. The index
/// lags the events by a group or two; queries with words wait for it (<see cref="WaitForAsync"/>).
/// Groups are gathered into commits of up to <see cref="LingerTexts"/> messages, waiting at most
/// <see cref="LingerTime"/> for more unless a query waits: FTS5 writes a segment per commit and merges the
/// segments later, so fewer, larger commits cost ~30 % less CPU than one per 500-event group (bench/DELIVERY.md).
/// A commit also stops at <see cref="CommitBytes"/> (half the WAL's budget, by <see cref="FtsText.IndexBytes"/>), and
/// FTS5's merges run after it in transactions of their own of that size at most (<see cref="Merge"/>), so that the
/// WAL stays within its budget as the disk reserve counts it (before, 4,000 messages of 2 KB of distinct words took it to
/// 10.4 MB against 1 MiB: FullTextWalTests).
/// </summary>
internal sealed class SqliteFtsIndexer : IDisposable
{
    public const string FileName = "collector-fts.db";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        -- Contentless: the texts stay in the events table; this file holds only the index. Entries can be
        -- deleted by rowid alone (retention), which needs the column sizes kept. Indexed: the message,
        -- the exception's string values (issue 10), the properties' and scopes' values (PropertyText).
        CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5 (message, exception, properties, content = '', contentless_delete = 1);
        -- Document counts per term: lets a query pick its plan by how common a word is.
        CREATE VIRTUAL TABLE IF NOT EXISTS events_fts_vocab USING fts5vocab (events_fts, 'row');
        -- The last group commit (fts_queue.seq of the main file) whose messages are indexed.
        CREATE TABLE IF NOT EXISTS fts_state (id INTEGER PRIMARY KEY CHECK (id = 0), indexed_seq INTEGER NOT NULL);
        -- Retention: every entry below purged_below has been deleted (SqliteRetention).
        CREATE TABLE IF NOT EXISTS fts_purge (id INTEGER PRIMARY KEY CHECK (id = 0), purged_below INTEGER NOT NULL);
        """;

    /// <summary>
    /// An index of an older shape (before retention: no <c>contentless_delete</c>; before issue 10: no exception column;
    /// before properties were searched: no properties column) is dropped and rebuilt from the events.
    /// </summary>
    private const string DropOldIndex = """
        DROP TABLE IF EXISTS events_fts_vocab;
        DROP TABLE IF EXISTS events_fts;
        DROP TABLE IF EXISTS fts_state;
        """;

    private readonly Channel<FtsWork> _work = Channel.CreateBounded<FtsWork>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly SqliteConnection _connection;
    private readonly RawStatement _insert;
    private readonly PropertyText _propertyText = new();
    private byte[] _message = new byte[1024];
    private readonly SqliteCommand _setState;
    private readonly SqliteCommand _purgedBelow;
    private readonly long _mergePages; // Merge()'s pages per transaction, from the WAL budget and page size set at open
    private readonly string _eventsPath;
    private SqliteConnection? _events;
    private SqliteCommand? _eventExists;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _hurry = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _indexedSeq;
    private long _queuedEvents;
    private long _failingSinceTicks;
    private volatile bool _failing;
    private Action? _repair;
    private long _repairEvents;
    private long _repairFailedAt;
    private Task? _loop;

    /// <param name="path">The index file.</param>
    /// <param name="eventsPath">The events' file (<c>collector.db</c>), read for the events below retention's mark.</param>
    /// <param name="logger">Where write failures are reported.</param>
    /// <param name="busyTimeoutSeconds">How long a write waits for another connection's lock (SQLite's busy timeout).</param>
    /// <param name="stopTimeout">How long stopping waits for a failing write before <see cref="Abort"/>.</param>
    /// <param name="lingerTime">How long the indexer waits for more groups (<see cref="DefaultLingerTime"/>).</param>
    /// <param name="walBytes">The WAL bytes after which it checkpoints (<see cref="SqliteCommands.WalBytesFor"/>).</param>
    public SqliteFtsIndexer(string path, string eventsPath, ILogger logger, int busyTimeoutSeconds, TimeSpan stopTimeout, TimeSpan lingerTime, long walBytes = SqliteCommands.CheckpointWalBytes)
    {
        _logger = logger;
        _eventsPath = eventsPath;
        StopTimeout = stopTimeout;
        LingerTime = lingerTime;
        OwnerOnlyFiles.CreateFile(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString());
        try
        {
            _connection.Open();
            using (var existing = _connection.CreateCommand())
            {
                existing.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'events_fts'";
                // An index of an older shape (no deletes by rowid, no exception or properties column) is dropped and rebuilt from the events.
                if (existing.ExecuteScalar() is string sql
                    && (!sql.Contains("contentless_delete", StringComparison.Ordinal) || !sql.Contains("exception", StringComparison.Ordinal)
                        || !sql.Contains("properties", StringComparison.Ordinal)))
                {
                    Execute(DropOldIndex);
                }
            }

            Execute(Schema);
            Execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;");
            CommitBytes = Math.Max(1, walBytes / 2);
            _mergePages = MergePages(walBytes, SqliteCommands.CheckpointEvery(_connection, walBytes, CommitBytes));
            StopMergesInCommits();
            _insert = new RawStatement(_connection, "INSERT INTO events_fts (rowid, message, exception, properties) VALUES (?1, ?2, ?3, ?4)");
            _setState = SqliteCommands.Prepare(_connection, "INSERT OR REPLACE INTO fts_state (id, indexed_seq) VALUES (0, $seq)", "$seq");
            _purgedBelow = SqliteCommands.Prepare(_connection, "SELECT coalesce(max(purged_below), 0) FROM fts_purge");
            using var state = _connection.CreateCommand();
            state.CommandText = "SELECT indexed_seq FROM fts_state WHERE id = 0";
            StoredSeq = state.ExecuteScalar() is long seq ? seq : null;
            _indexedSeq = StoredSeq ?? 0;
        }
        catch
        {
            // Thrown out of the constructor, nothing disposes this: the file (a damaged one, which the store deletes and
            // rebuilds) would stay open until a finalizer ran.
            _insert?.Dispose();
            _setState?.Dispose();
            _purgedBelow?.Dispose();
            _connection.Dispose();
            _stop.Dispose();
            throw;
        }
    }

    /// <summary>The indexed group at open; <see langword="null"/> for a new (or lost) index, which must be rebuilt.</summary>
    public long? StoredSeq { get; }

    /// <summary>Gets how many groups wait for the indexer; at <see cref="QueueCapacity"/> the events' writer waits.</summary>
    public int QueuedGroups => _work.Reader.Count;

    /// <summary>The most groups that wait for the indexer before the events' writer does.</summary>
    public const int QueueCapacity = 64;

    /// <summary>How many messages the indexer gathers before a commit, waiting for more groups (at most <see cref="LingerTime"/>).</summary>
    public const int LingerTexts = 5_000;

    /// <summary>
    /// Gets the most WAL bytes a commit takes (<see cref="FtsText.IndexBytes"/> of its messages; a group is not split, so
    /// one larger alone goes alone): half the WAL's budget, and the WAL is checkpointed at the other half, so that it
    /// stays within the budget (<see cref="SqliteCommands.CheckpointEvery"/>).
    /// </summary>
    public long CommitBytes { get; }

    /// <summary>
    /// How long the indexer waits for more groups when it has fewer than <see cref="LingerTexts"/> messages and no
    /// query waits: the longest an event's words stay unfindable while nobody looks for them (a query with words
    /// cuts the wait short, so what it finds is unchanged).
    /// </summary>
    public static readonly TimeSpan DefaultLingerTime = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets how long the indexer waits for more groups (<see cref="DefaultLingerTime"/>).</summary>
    public TimeSpan LingerTime { get; }

    /// <summary>
    /// The longest wait between two attempts of a write that failed (1, 2, ... s, then this): a full disk that got room
    /// again is indexed within it, and sooner when a search asks (<see cref="Hurry"/>).
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Gets a value indicating whether the last write of the index failed and is being retried (a full disk, a lock held elsewhere).</summary>
    public bool Failing => _failing;

    /// <summary>The last group commit whose messages can be found.</summary>
    public long IndexedSeq => Volatile.Read(ref _indexedSeq);

    /// <summary>Gets how many committed events a search cannot find yet: handed over and not indexed (queued, gathered, or in a write that fails).</summary>
    public long EventsBehind => Math.Max(0, Volatile.Read(ref _queuedEvents));

    /// <summary>Gets when the write being retried first failed (<see cref="Failing"/>), or null.</summary>
    public DateTimeOffset? FailingSince => Volatile.Read(ref _failingSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Packs a group's ids for <c>fts_queue</c>.</summary>
    public static byte[] PackIds(IReadOnlyList<FtsText> texts)
    {
        var ids = new byte[texts.Count * sizeof(long)];
        for (var i = 0; i < texts.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(ids.AsSpan(i * sizeof(long)), texts[i].Id);
        }

        return ids;
    }

    public static long[] UnpackIds(byte[] ids)
    {
        var result = new long[ids.Length / sizeof(long)];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt64LittleEndian(ids.AsSpan(i * sizeof(long)));
        }

        return result;
    }

    /// <summary>
    /// Indexes now, on the caller's thread (start-up repair and rebuild, before <see cref="Start"/>), and
    /// records <paramref name="seq"/> as indexed in the same transaction (not when null: a rebuild's chunks).
    /// </summary>
    /// <remarks>
    /// Retention may have deleted events of a group before the group is indexed here (their index entries were not there
    /// to delete: <see cref="SqliteRetention"/> purges a chunk's range once its events' commit is done). Their entries
    /// would stay for good, so an event below retention's mark (<c>fts_purge</c>) is indexed only when it is still
    /// stored (a late event with an old time, stored after the run, is). The mark is read in this transaction, which
    /// holds the index's write lock (<c>BEGIN IMMEDIATE</c>): a purge committed before it comes after its events' commit,
    /// which the lookup then sees; one committed after it keeps what this transaction added for a stored event (it reads
    /// the events stored in its range under the same lock).
    /// </remarks>
    public void IndexNow(IEnumerable<FtsText> texts, long? seq)
    {
        BeforeWrite?.Invoke(_connection);
        using var transaction = _connection.BeginTransaction();
        _setState.Transaction = transaction;
        _purgedBelow.Transaction = transaction;
        var purgedBelow = (long)_purgedBelow.ExecuteScalar()!;
        foreach (var text in texts)
        {
            if (text.Id < purgedBelow && !EventStored(text.Id))
            {
                continue;
            }

            Insert(text);
        }

        if (seq is { } indexed)
        {
            _setState.Parameters[0].Value = indexed;
            _setState.ExecuteNonQuery();
        }

        transaction.Commit();
        if (seq is { } done)
        {
            Volatile.Write(ref _indexedSeq, done);
        }
    }

    /// <summary>
    /// Runs FTS5's merges of the index's segments, which it no longer runs inside the commits that write them
    /// (<see cref="StopMergesInCommits"/>): each in a transaction of its own that writes about <see cref="CommitBytes"/> / 2
    /// at most, until there is nothing to merge (FTS5's rule: a level of 4 segments, or a merge begun). The same work as
    /// before, in pieces: a commit of 256 KB of words that merged inside it wrote ~1 MB of WAL. A merge that fails (a full
    /// disk) is left to the next commit's: the index is whole without it, its searches read more segments until then.
    /// Run after each <see cref="IndexNow"/> (the indexer's after it tells the waiting queries).
    /// </summary>
    public void Merge() => Merge(_connection, _mergePages, BeforeWrite);

    /// <summary>
    /// <see cref="Merge()"/> on <paramref name="connection"/> to the index's file, whose WAL budget is its
    /// <c>journal_size_limit</c> (<see cref="SqliteCommands.CheckpointEvery"/>, read here: retention's connection did not
    /// set it): also run by retention after its deletes, which FTS5 merged away inside them before (its merges of
    /// segments whose entries are mostly deleted).
    /// </summary>
    public static void Merge(SqliteConnection connection)
    {
        long pages;
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_size_limit";
            var walBytes = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = "PRAGMA page_size";
            pages = MergePages(walBytes, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (SqliteException)
        {
            return; // left to the next commit's merges, as a merge that fails
        }

        Merge(connection, pages, beforeWrite: null);
    }

    /// <summary>The pages each merge's transaction may write: a quarter of the WAL's budget (<paramref name="walBytes"/>; none set: the default), at least 16.</summary>
    private static long MergePages(long walBytes, long pageSize) =>
        Math.Max(16, (walBytes > 0 ? walBytes : SqliteCommands.CheckpointWalBytes) / 4 / Math.Max(512, pageSize));

    private static void Merge(SqliteConnection connection, long pages, Action<SqliteConnection>? beforeWrite)
    {
        try
        {
            using var command = connection.CreateCommand();
            using var merge = connection.CreateCommand();
            merge.CommandText = $"INSERT INTO events_fts (events_fts, rank) VALUES ('merge', {pages})";
            command.CommandText = "SELECT total_changes()";
            while (true)
            {
                beforeWrite?.Invoke(connection);
                var before = (long)command.ExecuteScalar()!;
                merge.ExecuteNonQuery();
                if ((long)command.ExecuteScalar()! - before < 2)
                {
                    return; // FTS5's word for "nothing was merged"
                }
            }
        }
        catch (SqliteException)
        {
            // Left to the next commit's merges (above).
        }
    }

    /// <summary>
    /// Sets FTS5's <c>automerge</c> to 0 (kept in the file): its merges then run only in <see cref="Merge"/>, in
    /// transactions of a bounded size. Not set on a full disk (the start goes on; the next one sets it).
    /// </summary>
    private void StopMergesInCommits()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT v FROM events_fts_config WHERE k = 'automerge'";
        if (command.ExecuteScalar() is 0L)
        {
            return;
        }

        try
        {
            BeforeWrite?.Invoke(_connection);
            command.CommandText = "INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 0)";
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (SqliteEventStore.IsDiskFull(e))
        {
            // Merges stay in the commits until a start with room sets it.
        }
    }

    /// <summary>Empties the index before a rebuild (a rebuild cut short leaves no state, so it starts again).</summary>
    public void Clear()
    {
        BeforeWrite?.Invoke(_connection);
        Execute("INSERT INTO events_fts (events_fts) VALUES ('delete-all'); DELETE FROM fts_state;");
    }

    /// <summary>Runs on the index's connection before each write, on the writing thread (tests: <c>PRAGMA max_page_count</c>, a real SQLITE_FULL).</summary>
    internal Action<SqliteConnection>? BeforeWrite { get; set; }

    /// <summary>Gets the clock of the waits between attempts and of the failures' times (the store's).</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Queues a committed group for indexing; blocks the events' writer when the indexer is far behind.</summary>
    public void Enqueue(long seq, List<FtsText> texts)
    {
        Interlocked.Add(ref _queuedEvents, texts.Count); // behind from the commit on, while the writer waits for room too
        try
        {
            _work.Writer.WriteAsync(new FtsWork(seq, texts)).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            Interlocked.Add(ref _queuedEvents, -texts.Count);
            // Stopped (Abort): the group is named in fts_queue and is indexed at the next start.
        }
    }

    /// <summary>Cuts short the indexer's wait: for more groups, or before retrying a failed write.</summary>
    public void Hurry() => Volatile.Read(ref _hurry).TrySetResult();

    /// <summary>Completes when the messages of group <paramref name="seq"/> can be found.</summary>
    public async Task WaitForAsync(long seq, CancellationToken cancellationToken)
    {
        while (IndexedSeq < seq)
        {
            var progress = Volatile.Read(ref _progress);
            if (IndexedSeq >= seq)
            {
                return;
            }

            Volatile.Read(ref _hurry).TrySetResult(); // the indexer stops gathering and commits what it has
            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Indexes what is queued, then stops.</summary>
    public void Complete()
    {
        _work.Writer.TryComplete();
        if (_loop is { } loop && !loop.Wait(StopTimeout))
        {
            Abort();
            loop.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Stops now, indexing nothing more: a write that keeps failing must not hold up shutdown. What is
    /// left is named in the main file's <c>fts_queue</c> and indexed at the next start.
    /// </summary>
    public void Abort()
    {
        _stop.Cancel();
        _work.Writer.TryComplete();
    }

    /// <summary>Gets how long stopping waits for the index before <see cref="Abort"/>.</summary>
    public TimeSpan StopTimeout { get; }

    public void Dispose()
    {
        Complete();
        _insert.Dispose();
        _setState.Dispose();
        _purgedBelow.Dispose();
        _eventExists?.Dispose();
        _events?.Dispose();
        _connection.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// Leaves the start-up repair to the indexer's thread (the disk was full at start): it runs first, retried like a
    /// failed write, before the groups the events' writer hands over. Until it succeeds the index is failing, and
    /// <paramref name="events"/> (the events it indexes) count as behind.
    /// </summary>
    public void DeferRepair(long events, Action repair)
    {
        _repair = repair;
        _repairEvents = events;
        _repairFailedAt = Time.GetTimestamp();
        Interlocked.Add(ref _queuedEvents, events);
        Volatile.Write(ref _failingSinceTicks, Time.GetUtcNow().UtcTicks);
        _failing = true;
    }

    private async Task LoopAsync()
    {
        if (_repair is { } repair && !await WriteAsync(repair, _repairEvents, _repairFailedAt).ConfigureAwait(false))
        {
            return; // stopping: the next start repairs again
        }

        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        var gathered = new Gathered();
        var texts = gathered.Texts;
        while (!_stop.IsCancellationRequested && await _work.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // What is queued goes in one transaction, up to CommitBytes: the further behind, the larger the commits.
            gathered.Clear();
            Drain(gathered);
            if (texts.Count < LingerTexts && !gathered.Full)
            {
                await LingerAsync(gathered).ConfigureAwait(false);
            }

            var seq = gathered.Seq;
            if (!await WriteAsync(() => IndexNow(texts, seq), texts.Count, 0).ConfigureAwait(false))
            {
                return; // stopping: the next start indexes these from fts_queue
            }

            // A fresh hurry before the progress: a waiter woken by it and still behind hurries the next commit.
            Interlocked.Exchange(ref _hurry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            Merge();
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> until it succeeds; false when stopping first. <paramref name="failedAt"/> is when it
    /// first failed (0: not yet; a deferred repair, whose failure the start said).
    /// </summary>
    private async Task<bool> WriteAsync(Action write, long events, long failedAt)
    {
        for (var attempt = failedAt == 0 ? 1 : 2; ; attempt++)
        {
            try
            {
                write();
                break;
            }
            catch (SqliteException e)
            {
                // Before the failure is said: a search from now on cuts the wait short, one before it does not (spent on this attempt).
                var hurry = FreshHurry();
                // Nothing was committed; the main file's fts_queue still names these events. Retry
                // (the events' writer waits once 64 groups are queued) rather than lose them. Said once with
                // the stack trace, then at attempts 2, 4, 8, ... (a full disk wrote 17 traces), and when it ends.
                if (attempt == 1)
                {
                    failedAt = Time.GetTimestamp();
                    Volatile.Write(ref _failingSinceTicks, Time.GetUtcNow().UtcTicks);
                    _failing = true;
                    CollectorLog.FullTextIndexFailed(_logger, e, attempt);
                }
                else if ((attempt & (attempt - 1)) == 0)
                {
                    CollectorLog.FullTextIndexStillFailing(_logger, attempt, (long)Time.GetElapsedTime(failedAt).TotalSeconds, e.Message);
                }

                if (!await RetryDelayAsync(attempt, hurry).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }

        Interlocked.Add(ref _queuedEvents, -events);
        if (failedAt != 0)
        {
            _failing = false;
            Volatile.Write(ref _failingSinceTicks, 0);
            CollectorLog.FullTextIndexResumed(_logger, (long)Time.GetElapsedTime(failedAt).TotalSeconds, events);
        }

        return true;
    }

    /// <summary>A new hurry in place of the last one (<see cref="Hurry"/> completes it); returns its task.</summary>
    private Task FreshHurry()
    {
        var hurry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _hurry, hurry);
        return hurry.Task;
    }

    /// <summary>
    /// Waits before attempt <paramref name="attempt"/> + 1, cut short by <paramref name="hurry"/> (a search since the
    /// attempt failed, <see cref="Hurry"/>); false when stopping. It awaited the hurry it replaced: a search during the
    /// wait completed the new one, which nobody awaited, and cut short the next wait instead of this one.
    /// </summary>
    private async Task<bool> RetryDelayAsync(int attempt, Task hurry)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var wait = Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, MaxRetryDelay.TotalSeconds)), Time, delay.Token);
        await Task.WhenAny(wait, hurry).ConfigureAwait(false);
        await delay.CancelAsync().ConfigureAwait(false);
        return !_stop.IsCancellationRequested;
    }

    /// <summary>
    /// Moves the queued groups into <paramref name="gathered"/>: up to 50,000 messages, and while the next group fits in
    /// <see cref="CommitBytes"/> (the first is taken whatever its size); sets <see cref="Gathered.Full"/> when the next does not fit.
    /// </summary>
    private void Drain(Gathered gathered)
    {
        while (gathered.Texts.Count < 50_000 && _work.Reader.TryPeek(out var work))
        {
            var bytes = 0L;
            foreach (var text in work.Texts)
            {
                bytes += text.IndexBytes;
            }

            if (gathered.Texts.Count > 0 && gathered.Bytes + bytes > CommitBytes)
            {
                gathered.Full = true;
                return;
            }

            _work.Reader.TryRead(out _);
            gathered.Texts.AddRange(work.Texts);
            gathered.Bytes += bytes;
            gathered.Seq = work.Seq;
        }
    }

    /// <summary>Waits for more groups until <see cref="LingerTexts"/>, <see cref="CommitBytes"/>, <see cref="LingerTime"/>, a waiting query or the stop.</summary>
    private async Task LingerAsync(Gathered gathered)
    {
        var hurry = Volatile.Read(ref _hurry).Task;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(LingerTime);
        while (gathered.Texts.Count < LingerTexts && !gathered.Full && !hurry.IsCompleted)
        {
            var more = _work.Reader.WaitToReadAsync(timeout.Token).AsTask();
            // more is complete when WhenAny returns it: canceled (time up, stop), false (completed) or true.
            if (await Task.WhenAny(more, hurry).ConfigureAwait(false) != more || !more.IsCompletedSuccessfully || !more.Result)
            {
                break; // a query waits, the time is up, or the queue is completed
            }

            Drain(gathered);
        }

        await timeout.CancelAsync().ConfigureAwait(false); // takes back a wait left pending by a hurry
    }

    /// <summary>Whether the events' file holds the event (a connection of its own, opened at the first event below the mark).</summary>
    private bool EventStored(long id)
    {
        if (_eventExists is null)
        {
            var events = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = _eventsPath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            try
            {
                events.Open();
                _eventExists = SqliteCommands.Prepare(events, "SELECT count(*) FROM events WHERE id = $id", "$id");
                _events = events;
            }
            catch
            {
                // Not kept: the next event opens another, and this one would stay open until a finalizer ran.
                events.Dispose();
                throw;
            }
        }

        _eventExists.Parameters[0].Value = id;
        return (long)_eventExists.ExecuteScalar()! > 0;
    }

    private void Insert(FtsText text)
    {
        _insert.Bind(1, text.Id);
        var size = Encoding.UTF8.GetMaxByteCount(text.Message.Length);
        if (_message.Length < size)
        {
            _message = new byte[Math.Max(size, 2 * _message.Length)];
        }

        var message = _message.AsSpan(0, Encoding.UTF8.GetBytes(text.Message, _message));
        _insert.BindUtf8(2, message);
        _insert.Bind(3, ExceptionText.Of(text.ExceptionJson));
        var properties = _propertyText.Of(text.PropertiesJson, text.ContextJson, message);
        if (properties.IsEmpty)
        {
            _insert.Bind(4, (string?)null);
        }
        else
        {
            _insert.BindUtf8(4, properties);
        }

        _insert.Execute(0);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private readonly record struct FtsWork(long Seq, List<FtsText> Texts);

    /// <summary>The groups gathered for the next commit: their messages, the last group's number, their <see cref="FtsText.IndexBytes"/>.</summary>
    private sealed class Gathered
    {
        public List<FtsText> Texts { get; } = [];

        public long Seq { get; set; }

        public long Bytes { get; set; }

        /// <summary>Gets or sets a value indicating whether the next group would take the commit past <see cref="CommitBytes"/>.</summary>
        public bool Full { get; set; }

        public void Clear()
        {
            Texts.Clear();
            (Seq, Bytes, Full) = (0, 0, false);
        }
    }
}
