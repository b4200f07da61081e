using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// A small SQLite file of its own beside the event store (SQS poison messages, level rules): opens a
/// connection per call and brings the file's schema up to date once, on the first open.
/// </summary>
internal sealed class SqliteSideFile(string path, Func<SqliteConnection, CancellationToken, Task> initialize)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30 }.ToString();
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
