using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="IAlertStateStore"/> on SQLite: a small file of its own beside the event store (as level rules and SQS
/// poison messages), written once a rule notifies or its notification fails. Times are UTC ticks.
/// </summary>
internal sealed class SqliteAlertStateStore : IAlertStateStore
{
    public const string FileName = "alerts.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS alert_state (
            rule            TEXT PRIMARY KEY,
            query           TEXT NOT NULL,
            notified_to     INTEGER,
            pending_from    INTEGER,
            quiet_until     INTEGER NOT NULL,
            last_fired_from INTEGER,
            last_fired_count INTEGER
        );
        """;

    private readonly SqliteSideFile _file;

    public SqliteAlertStateStore(string dataDirectory) =>
        _file = new SqliteSideFile(Path.Combine(dataDirectory, FileName), CreateSchemaAsync);

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

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
