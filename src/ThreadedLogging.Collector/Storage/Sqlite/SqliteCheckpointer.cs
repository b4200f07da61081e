using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database off the writer's path: the writer runs with
/// <c>wal_autocheckpoint = 0</c> (a checkpoint's fsyncs would otherwise stall the request that
/// happened to cross the threshold) and signals here every <see cref="EventsPerCheckpoint"/> events;
/// a PASSIVE checkpoint on its own connection blocks neither the writer nor the readers.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    public const int EventsPerCheckpoint = 20_000;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _pending;

    public SqliteCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called by the writer after a commit.</summary>
    public void Written(int events)
    {
        if (Interlocked.Add(ref _pending, events) >= EventsPerCheckpoint && _signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await _signal.WaitAsync(_stop.Token);
            Interlocked.Exchange(ref _pending, 0);
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        }
    }
}
