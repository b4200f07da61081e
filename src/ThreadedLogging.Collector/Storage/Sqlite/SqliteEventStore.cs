using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="IEventStore"/> on SQLite (WAL): a single writer loop owns the write connection and its
/// prepared commands; requests queue for it and those that arrive together are committed in one
/// transaction (group commit, a savepoint each), then acknowledged. Reads use pooled read-only
/// connections, which WAL lets run beside the writer.
/// </summary>
internal sealed partial class SqliteEventStore : IEventStore
{
    public const string FileName = "collector.db";

    /// <summary>The most events one group commit takes from the queue (a request is never split).</summary>
    private const int MaxGroupEvents = 10_000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteEventStore> _logger;
    private SqliteBatchWriter? _writer;
    private Task? _writeLoop;
    private bool _disposed;

    public SqliteEventStore(string dataDirectory, TimeProvider time, ILogger<SqliteEventStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        DatabasePath = Path.Combine(dataDirectory, FileName);
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

    public bool IsReady => Volatile.Read(ref _writer) is not null;

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

            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            var connection = new SqliteConnection(_writeConnectionString);
            try
            {
                connection.Open();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = SqliteSchema.Create;
                    command.ExecuteNonQuery();
                }

                using (var pragmas = connection.CreateCommand())
                {
                    // NORMAL in WAL: a commit survives a crash of the process; the OS flushes it shortly after.
                    // A large page cache keeps the hot ends of the indexes in memory while batches go in.
                    // Checkpoints stay SQLite's automatic ones, run by this writer between transactions:
                    // a checkpoint on another thread never completes under steady writes, so the WAL
                    // would never restart and grows without bound (measured: 16 GB for 1M events).
                    // Every 32768 pages (128 MiB) rather than 1000: each checkpoint costs fsyncs, and
                    // fewer of them doubled the ingest rate in bench/ (1000-event batches).
                    pragmas.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 32768;";
                    pragmas.ExecuteNonQuery();
                }

                var writer = new SqliteBatchWriter(connection);
                _writeLoop = Task.Factory.StartNew(() => WriteLoop(writer), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                Volatile.Write(ref _writer, writer);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            CollectorLog.StoreOpened(_logger, DatabasePath);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<AppendResult> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null)
        {
            throw new InvalidOperationException("The event store is not initialized.");
        }

        var pending = new PendingAppend(batch);
        // Cancellation only while waiting for room in the queue; once queued, the batch is written
        // whole or not at all, whatever the client does.
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Completion.Task;
    }

    private void WriteLoop(SqliteBatchWriter writer)
    {
        var group = new List<PendingAppend>();
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            var events = 0;
            while (events < MaxGroupEvents && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
                events += pending.Batch.Events.Count;
            }

            try
            {
                writer.AppendGroup(group, _time.GetUtcNow().UtcTicks);
            }
            catch (Exception e)
            {
                // Nothing of the group was committed; each request reports the failure (503, retried).
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
            if (_writeLoop is not null)
            {
                await _writeLoop;
            }

            _writer?.Dispose();
            _writer = null;
            using var probe = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(probe);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }
}
