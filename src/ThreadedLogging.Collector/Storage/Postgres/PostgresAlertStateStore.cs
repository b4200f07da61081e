using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// <see cref="IAlertStateStore"/> on PostgreSQL: the <c>alert_state</c> table (schema version 11), shared by the
/// collectors of the database, so that the one taking the alert lease over goes on where the last holder stopped.
/// </summary>
internal sealed class PostgresAlertStateStore(NpgsqlDataSource dataSource) : IAlertStateStore
{
    public async Task<IReadOnlyDictionary<string, SavedAlertState>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AlertStateRows.Select);
        return await AlertStateRows.ReadAllAsync(command, cancellationToken);
    }

    public async Task SaveAsync(SavedAlertState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var command = dataSource.CreateCommand(AlertStateRows.Upsert);
        AlertStateRows.Bind(command, state);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
