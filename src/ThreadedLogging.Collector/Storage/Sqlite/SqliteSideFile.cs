using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// A small SQLite file of its own beside the event store (SQS poison messages, level rules, alerts): opens a
/// connection per call and brings the file's schema up to date once, on the first open.
/// </summary>
/// <param name="path">The file.</param>
/// <param name="initialize">Brings the schema up to date (idempotent: each opener of the file runs it once).</param>
/// <param name="busyTimeoutSeconds">How long a command waits for another connection's lock before SQLite's busy error.</param>
internal sealed class SqliteSideFile(string path, Func<SqliteConnection, CancellationToken, Task> initialize, int busyTimeoutSeconds = 30)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = busyTimeoutSeconds }.ToString();
    private readonly SemaphoreSlim _initialized = new(1, 1);
    private bool _ready;

    /// <summary>An open connection to the file, its schema initialized.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _ready))
        {
            OwnerOnlyFiles.CreateFile(path);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!Volatile.Read(ref _ready))
            {
                await _initialized.WaitAsync(cancellationToken);
                try
                {
                    if (!_ready)
                    {
                        await initialize(connection, cancellationToken);
                        Volatile.Write(ref _ready, true);
                    }
                }
                finally
                {
                    _initialized.Release();
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
