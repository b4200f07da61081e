namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The store's status (<see cref="IStoreStatus"/>): the database's size (<c>pg_database_size</c>, read in the background
/// at most every <see cref="SizeReadEvery"/>, so a scrape never waits for the server). No free space (the disk is the
/// server's: watch it there) and no index lag (PostgreSQL indexes in the transaction).
/// </summary>
internal sealed partial class PostgresEventStore : IStoreStatus
{
    /// <summary>How long a read of the database's size is kept: it sums the sizes of every file of the database.</summary>
    internal static readonly TimeSpan SizeReadEvery = TimeSpan.FromSeconds(30);

    private long _databaseBytes = -1;
    private long _sizeReadAt;
    private int _sizeReading;

    public StoreStatus Read()
    {
        var readAt = Volatile.Read(ref _sizeReadAt);
        if ((readAt == 0 || time.GetElapsedTime(readAt) >= SizeReadEvery) && Interlocked.CompareExchange(ref _sizeReading, 1, 0) == 0)
        {
            _ = ReadSizeAsync();
        }

        var bytes = Volatile.Read(ref _databaseBytes);
        return new StoreStatus(bytes < 0 ? null : bytes, null, 0, null);
    }

    private async Task ReadSizeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(PostgresAvailability.CheckTimeout, time);
            await using var command = dataSource.CreateCommand("SELECT pg_database_size(current_database())");
            if (await command.ExecuteScalarAsync(timeout.Token) is long bytes)
            {
                Volatile.Write(ref _databaseBytes, bytes);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // Down: the last size stays; /health and the 503s say the store cannot be reached.
        }
        finally
        {
            Volatile.Write(ref _sizeReadAt, time.GetTimestamp());
            Volatile.Write(ref _sizeReading, 0);
        }
    }
}
