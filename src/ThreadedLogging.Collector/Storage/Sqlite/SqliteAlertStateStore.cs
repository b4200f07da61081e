namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="IAlertStateStore"/> on SQLite: the <c>alert_state</c> table of <see cref="SqliteAlertsFile"/>, written once
/// a rule notifies or its notification fails. Times are UTC ticks.
/// </summary>
internal sealed class SqliteAlertStateStore(string dataDirectory) : IAlertStateStore
{
    private readonly SqliteSideFile _file = SqliteAlertsFile.Open(dataDirectory);

    public async Task<IReadOnlyDictionary<string, SavedAlertState>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AlertStateRows.Select;
        return await AlertStateRows.ReadAllAsync(command, cancellationToken);
    }

    public async Task SaveAsync(SavedAlertState state, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AlertStateRows.Upsert;
        AlertStateRows.Bind(command, state);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
