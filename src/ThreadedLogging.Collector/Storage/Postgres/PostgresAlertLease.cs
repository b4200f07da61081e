using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The alert lease of collectors sharing one database: a session advisory lock (<see cref="PostgresSchema.AlertLock"/>)
/// on a connection kept open for it. PostgreSQL releases it when the holder's session ends (a stop, a crash, a lost
/// network), and the next collector to evaluate takes it.
/// </summary>
internal sealed class PostgresAlertLease(NpgsqlDataSource dataSource) : IAlertLease
{
    private NpgsqlConnection? _held;
    private long _taken;

    /// <inheritdoc />
    public long Taken => Interlocked.Read(ref _taken);

    public async Task<bool> TryHoldAsync(CancellationToken cancellationToken)
    {
        if (_held is not null)
        {
            try
            {
                // The lock lives as long as the session: a session still answering still holds it.
                await using var alive = new NpgsqlCommand("SELECT 1", _held);
                await alive.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PostgresSchema.AlertLock})", connection);
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                _held = connection;
                Interlocked.Increment(ref _taken);
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_held is { } connection)
        {
            try
            {
                // The connection goes back to the pool, whose reset may wait for its next use: unlock now, so that
                // another collector takes over at its next evaluation.
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresSchema.AlertLock})", connection);
                await unlock.ExecuteScalarAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The session is gone, and the lock with it.
            }
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    private async ValueTask ReleaseAsync()
    {
        if (_held is { } connection)
        {
            _held = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
