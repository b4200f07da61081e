using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="IEventStore"/> on SQLite (WAL): a single writer loop owns the write connection and its
/// prepared commands; requests queue for it and those that arrive together are committed in one
/// transaction (group commit, a savepoint each), then acknowledged. Reads use pooled read-only
/// connections, which WAL lets run beside the writer. Full text is indexed beside it, in a second file,
/// by <see cref="SqliteFtsIndexer"/>.
/// </summary>
internal sealed partial class SqliteEventStore : IEventStore, IEventRetention, IUserErasure
{
    public const string FileName = "collector.db";

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// The most events one group commit takes from the queue (a request is never split); it also stops taking requests
    /// once their <see cref="PendingAppend.DiskBytes"/> reach <see cref="WalBytes"/>, so that a group's WAL stays near its budget.
    /// </summary>
    private const int MaxGroupEvents = 10_000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteNameCache _names = new();
    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteEventStore> _logger;
    private SqliteBatchWriter? _writer;
    private SqliteFtsIndexer? _fts;
    private Task? _writeLoop;
    private bool _disposed;
    private int _walHeldSaid;

    static SqliteEventStore() => SqliteLibrary.Configure(); // before the first connection of a store made without the app (benches, tests)

    public SqliteEventStore(string dataDirectory, TimeProvider time, ILogger<SqliteEventStore> logger, EventCommitFeed? commits = null)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        Commits = commits ?? new EventCommitFeed();
        DatabasePath = Path.Combine(dataDirectory, FileName);
        FullTextPath = Path.Combine(dataDirectory, SqliteFtsIndexer.FileName);
        Retention = new SqliteRetention(DatabasePath, FullTextPath);
        _time = time;
        _logger = logger;
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    public EventCommitFeed Commits { get; }

    /// <summary>Gets how long a full-text write waits for a lock held by another connection, in seconds.</summary>
    internal int FullTextBusyTimeoutSeconds { get; init; } = 30;

    /// <summary>Gets how long stopping waits for a full-text index that keeps failing before leaving the rest to the next start.</summary>
    internal TimeSpan FullTextStopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long the full-text indexer waits to gather more groups into one commit (tests set hours: only a waiting query ends it).</summary>
    internal TimeSpan FullTextLingerTime { get; init; } = SqliteFtsIndexer.DefaultLingerTime;

    /// <summary>
    /// Gets the WAL bytes after which each file's writer checkpoints and cuts its WAL back
    /// (<see cref="SqliteCommands.WalBytesFor"/> of <c>Retention:MaxBytes</c>).
    /// </summary>
    internal long WalBytes { get; init; } = SqliteCommands.CheckpointWalBytes;

    /// <summary>Gets or sets a step the writer runs before storing each request (tests: inject a fault, hold the writer); set before <see cref="InitializeAsync"/>.</summary>
    internal Action<EventBatch>? BeforeAppend { get; set; }

    /// <summary>Gets or sets a step run once a request is queued for the writer, past the reserve (tests: the signal that it waits for a held writer).</summary>
    internal Action<EventBatch>? Queued { get; set; }

    /// <summary>Runs on the full-text index's connection before each of its writes (tests: a real SQLITE_FULL through <c>PRAGMA max_page_count</c>).</summary>
    internal Action<SqliteConnection>? BeforeFullTextWrite { get; init; }

    /// <summary>The full-text index's file, beside <see cref="DatabasePath"/>; rebuilt from the events when missing.</summary>
    public string FullTextPath { get; }

    public bool IsReady => Volatile.Read(ref _writer) is not null;

    /// <summary>Gets the retention of this store's files (tests set a step between its two commits).</summary>
    internal SqliteRetention Retention { get; init; }

    public Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null)
        {
            throw new InvalidOperationException("The event store is not initialized.");
        }

        return Task.Run(
            () =>
            {
                var result = Retention.Run(options, now, cancellationToken, Reserve, removed, WalBytes, BetweenGroupCommits);
                SayIfWalHeld(result.WalHeldBytes);
                return result;
            },
            cancellationToken);
    }

    /// <summary>Logs once that the size cap met a WAL held past the wait, until a run finds it no longer held.</summary>
    private void SayIfWalHeld(long walHeldBytes)
    {
        if (walHeldBytes == 0)
        {
            Volatile.Write(ref _walHeldSaid, 0);
        }
        else if (Interlocked.Exchange(ref _walHeldSaid, 1) == 0)
        {
            CollectorLog.RetentionWalHeld(_logger, walHeldBytes, Retention.ReaderWait);
        }
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is not null)
            {
                return;
            }

            OwnerOnlyFiles.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            OwnerOnlyFiles.CreateFile(DatabasePath);
            var connection = new SqliteConnection(_writeConnectionString);
            try
            {
                connection.Open();
                using (var pragmas = connection.CreateCommand())
                {
                    // Before the schema's upgrade too: an index it builds sorts in memory, with the large cache.
                    // NORMAL in WAL: a commit survives a crash of the process; the OS flushes it shortly after.
                    // A large page cache keeps the hot ends of the indexes in memory while batches go in.
                    // Checkpoints stay SQLite's automatic ones, run by this writer between transactions:
                    // a checkpoint on another thread never completes under steady writes, so the WAL
                    // would never restart and grows without bound (measured: 16 GB for 1M events).
                    // Every 128 MiB of WAL rather than 1000 pages: each checkpoint costs fsyncs, and
                    // fewer of them doubled the ingest rate in bench/ (1000-event batches).
                    pragmas.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072;";
                    pragmas.ExecuteNonQuery();
                }

                SqliteSchemaUpgrade.CreateOrUpgrade(connection, _logger);

                SqliteCommands.CheckpointEvery(connection, WalBytes);

                var (fts, committedSeq) = OpenFullText(connection);
                try
                {
                    try
                    {
                        Retention.CatchUpFullText(WalBytes); // a stop in the middle of a retention run
                    }
                    catch (SqliteException e) when (IsDiskFull(e))
                    {
                        // Retention's next run catches up first; searches join the events, so stale entries match nothing.
                        CollectorLog.FullTextRepairDeferred(_logger, 0, "deleting the entries of removed events", e.Message);
                    }

                    CatchUpErasures(); // a stop in the middle of an erasure
                    _fts = fts;
                    var writer = new SqliteBatchWriter(connection, fts, committedSeq, Commits) { BeforeAppend = BeforeAppend };
                    fts.Start();
                    _writeLoop = Task.Factory.StartNew(() => WriteLoop(writer), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    Volatile.Write(ref _writer, writer);
                }
                catch
                {
                    _fts = null;
                    fts.Dispose();
                    throw;
                }
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            CollectorLog.StoreOpened(_logger, DatabasePath);
            WarnIfReserveRemovesAtStart();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_disposed || _writer is null)
        {
            throw EventStoreUnavailableException.NotOpen(closing: _disposed);
        }

        var pending = new PendingAppend(batch);
        long admitted = 0;
        try
        {
            if (Reserve?.Admit(pending.DiskBytes, ReusableBytes, out admitted) is { } refusal)
            {
                // Before SQLite fills the disk: what is left is for retention's deletes (SQLITE_FULL refuses them too).
                // The numbers go to the log; /health is open, so its reason (and ingest's 503) says none.
                throw new EventStoreUnavailableException("The data folder's free space is under the reserve: " + refusal) { FailureReason = Reserve.PublicReason };
            }

            // Cancellation only while waiting for room in the queue; once queued, the batch is written
            // whole or not at all, whatever the client does.
            await _queue.Writer.WriteAsync(pending, cancellationToken);
            Queued?.Invoke(batch);
            return await pending.Completion.Task;
        }
        catch (ChannelClosedException e)
        {
            throw new EventStoreUnavailableException("The event store is closing.", e);
        }
        catch (SqliteException e) when (IsUnavailable(e))
        {
            throw new EventStoreUnavailableException($"SQLite cannot take writes: {e.Message}", e) { FailureReason = FailureReason(e) };
        }
        finally
        {
            Reserve?.Committed(admitted); // committed, failed, or never queued
        }
    }

    /// <summary>
    /// Errors of the file or the machine, which pass (disk full, busy, locked, I/O, read-only, cannot
    /// open, corrupt); a constraint or a misuse is a defect and is not reported as unavailability.
    /// </summary>
    private static bool IsUnavailable(SqliteException e) => e.SqliteErrorCode is
        SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_NOMEM or SQLitePCL.raw.SQLITE_READONLY
        or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_CORRUPT or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CANTOPEN
        or SQLitePCL.raw.SQLITE_PROTOCOL or SQLitePCL.raw.SQLITE_NOTADB;

    /// <summary>What <c>/health</c> says of a write SQLite refused: its own words (they name no path), a full disk said plainly.</summary>
    private static string FailureReason(SqliteException e) =>
        e.SqliteErrorCode == SQLitePCL.raw.SQLITE_FULL ? $"disk full ({e.Message})" : e.Message;

    private void WriteLoop(SqliteBatchWriter writer)
    {
        var group = new List<PendingAppend>();
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            var events = 0;
            long bytes = 0;
            while (events < MaxGroupEvents && bytes < WalBytes && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
                events += pending.Batch.Events.Count;
                bytes += pending.DiskBytes;
            }

            try
            {
                lock (_writerGate)
                {
                    writer.AppendGroup(group, _time.GetUtcNow().UtcTicks);
                }
            }
            catch (Exception e)
            {
                // Nothing of the group was committed: its commit failed (SQLite's error, a 503 when the file or the
                // machine refuses, retried), or the group was one request and this is its own failure.
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            // Requests already queued are still written; then the loop ends and the writer closes.
            _queue.Writer.TryComplete();
            if (_fts is { Failing: true } failing)
            {
                // Its writes fail (a full disk): waiting FullTextStopTimeout would not help; the next start indexes
                // what is left from fts_queue.
                failing.Abort();
            }

            if (_writeLoop is not null)
            {
                // The writer may wait on an indexer that keeps failing (its queue full): stop that indexer.
                using var timeout = new CancellationTokenSource();
                if (await Task.WhenAny(_writeLoop, Task.Delay(FullTextStopTimeout, _time, timeout.Token)) != _writeLoop)
                {
                    _fts?.Abort();
                }

                await timeout.CancelAsync();

                await _writeLoop;
            }

            _writer?.Dispose();
            _writer = null;
            _fts?.Dispose(); // indexes what the writer handed over last
            _fts = null;
            using var probe = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(probe);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Opens the full-text file and brings it up to the events. The file holds nothing that the events do
    /// not: when SQLite says it is not a database or corrupt, it is deleted and rebuilt (any other error,
    /// such as a lock held by another process, fails the start as before).
    /// </summary>
    private (SqliteFtsIndexer Fts, long CommittedSeq) OpenFullText(SqliteConnection connection)
    {
        for (var attempt = 0; ; attempt++)
        {
            SqliteFtsIndexer? fts = null;
            try
            {
                fts = new SqliteFtsIndexer(FullTextPath, DatabasePath, _logger, FullTextBusyTimeoutSeconds, FullTextStopTimeout, FullTextLingerTime, WalBytes)
                {
                    BeforeWrite = BeforeFullTextWrite,
                    Time = _time,
                };
                return (fts, RepairOrDefer(connection, fts));
            }
            catch (SqliteException e) when (attempt == 0 && e.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
            {
                fts?.Dispose();
                CollectorLog.FullTextIndexUnusable(_logger, e, FullTextPath);
                SqliteConnection.ClearAllPools();
                foreach (var suffix in (string[])["", "-wal", "-shm"])
                {
                    File.Delete(FullTextPath + suffix);
                }
            }
            catch
            {
                fts?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Brings the full-text file up to the events before the writer starts (<see cref="RepairFullText"/>); returns the
    /// last group number, where the writer goes on. A full disk (SQLITE_FULL, or SQLITE_IOERR from a write that found
    /// no room) does not fail the start: the repair is left to the indexer's thread, which retries it until there is room
    /// (a restart would meet the same disk, and a service manager would restart it forever).
    /// </summary>
    private long RepairOrDefer(SqliteConnection connection, SqliteFtsIndexer fts)
    {
        var lastQueued = Scalar(connection, "SELECT coalesce(max(seq), 0) FROM fts_queue");
        try
        {
            RepairFullText(connection, fts, lastQueued);
        }
        catch (SqliteException e) when (IsDiskFull(e))
        {
            var behind = fts.StoredSeq is { } indexed
                ? Scalar(connection, $"SELECT coalesce(sum(length(ids)), 0) / 8 FROM fts_queue WHERE seq > {indexed}")
                : Scalar(connection, "SELECT count(*) FROM events");
            CollectorLog.FullTextRepairDeferred(_logger, behind, fts.StoredSeq is null ? "rebuilding it" : "indexing the last events", e.Message);
            fts.DeferRepair(behind, () => RepairLater(fts, lastQueued));
        }

        return Math.Max(lastQueued, fts.StoredSeq ?? 0);
    }

    /// <summary>SQLite found no room for a write: SQLITE_FULL, or an I/O error from a write the filesystem refused.</summary>
    internal static bool IsDiskFull(SqliteException e) =>
        e.SqliteErrorCode is SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_IOERR;

    /// <summary>
    /// The start-up repair on the indexer's thread, while the events' writer runs: in one read of the events (a snapshot),
    /// it indexes what was committed up to group <paramref name="lastQueued"/>; the later groups are the indexer's queue.
    /// </summary>
    private void RepairLater(SqliteFtsIndexer fts, long lastQueued)
    {
        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN";
            begin.ExecuteNonQuery();
        }

        try
        {
            RepairFullText(connection, fts, lastQueued);
        }
        finally
        {
            using var end = connection.CreateCommand();
            end.CommandText = "ROLLBACK"; // a read: nothing to commit
            end.ExecuteNonQuery();
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Brings the full-text file up to group <paramref name="lastQueued"/>: rebuilds it from every stored message when it
    /// is new (first start, a version-1 database, a deleted file), else indexes the groups that <c>fts_queue</c> holds
    /// beyond what it committed (a stop between the two commits). Events of later groups (committed after the start,
    /// when the repair was deferred) are left to the indexer's queue.
    /// </summary>
    private void RepairFullText(SqliteConnection connection, SqliteFtsIndexer fts, long lastQueued)
    {
        using var command = connection.CreateCommand();
        if (fts.StoredSeq is not { } indexed)
        {
            command.CommandText = "SELECT ids FROM fts_queue WHERE seq > $last";
            command.Parameters.AddWithValue("$last", lastQueued);
            var later = new HashSet<long>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    later.UnionWith(SqliteFtsIndexer.UnpackIds((byte[])reader.GetValue(0)));
                }
            }

            fts.Clear();
            command.CommandText = "SELECT id, message, exception, properties, context FROM events";
            long count = 0;
            var chunk = new List<FtsText>(10_000);
            long chunkBytes = 0;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (later.Contains(reader.GetInt64(0)))
                    {
                        continue;
                    }

                    var text = new FtsText(reader.GetInt64(0), reader.GetString(1), NullableText(reader, 2), NullableText(reader, 3), NullableText(reader, 4));
                    if (chunk.Count == chunk.Capacity || (chunk.Count > 0 && chunkBytes + text.IndexBytes > fts.CommitBytes))
                    {
                        fts.IndexNow(chunk, null);
                        fts.Merge();
                        count += chunk.Count;
                        chunk.Clear();
                        chunkBytes = 0;
                    }

                    chunk.Add(text);
                    chunkBytes += text.IndexBytes;
                }
            }

            fts.IndexNow(chunk, lastQueued);
            fts.Merge();
            count += chunk.Count;
            if (count > 0)
            {
                CollectorLog.FullTextIndexRepaired(_logger, count, "rebuilt from the events");
            }

            return;
        }

        command.CommandText = "SELECT seq, ids FROM fts_queue WHERE seq > $indexed AND seq <= $last ORDER BY seq";
        command.Parameters.AddWithValue("$indexed", indexed);
        command.Parameters.AddWithValue("$last", lastQueued);
        var groups = new List<(long Seq, long[] Ids)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                groups.Add((reader.GetInt64(0), SqliteFtsIndexer.UnpackIds((byte[])reader.GetValue(1))));
            }
        }

        using var message = connection.CreateCommand();
        message.CommandText = "SELECT message, exception, properties, context FROM events WHERE id = $id";
        var id = message.Parameters.Add("$id", SqliteType.Integer);
        long repaired = 0;
        foreach (var (seq, ids) in groups)
        {
            var texts = new List<FtsText>(ids.Length);
            foreach (var eventId in ids)
            {
                id.Value = eventId;
                using var row = message.ExecuteReader();
                if (row.Read())
                {
                    texts.Add(new FtsText(eventId, row.GetString(0), NullableText(row, 1), NullableText(row, 2), NullableText(row, 3)));
                }
            }

            fts.IndexNow(texts, seq);
            fts.Merge();
            repaired += texts.Count;
        }

        if (repaired > 0)
        {
            CollectorLog.FullTextIndexRepaired(_logger, repaired, "committed events not yet indexed");
        }
    }

    private SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        using var attach = connection.CreateCommand();
        // Pooled connections keep what they attached; attach the full-text file once per connection.
        attach.CommandText = "SELECT count(*) FROM pragma_database_list WHERE name = 'fts'";
        if (attach.ExecuteScalar() is 0L)
        {
            attach.CommandText = "ATTACH DATABASE $path AS fts";
            attach.Parameters.AddWithValue("$path", FullTextPath);
            attach.ExecuteNonQuery();
        }

        return connection;
    }

    private static string? NullableText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
