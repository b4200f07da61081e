using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="IAlertRuleStore"/> on SQLite: the <c>alert_rules</c> and <c>alert_audit</c> tables in the alerts' own file
/// (<see cref="SqliteAlertStateStore.FileName"/>, beside the rules' state; so <c>backup</c> copies them), so that a
/// support action never waits on the event writer. The SQL is <see cref="AlertRuleRows"/>'.
/// </summary>
internal sealed class SqliteAlertRuleStore : IAlertRuleStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS alert_rules (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL UNIQUE,
            query          TEXT NOT NULL,
            threshold      INTEGER NOT NULL,
            window_ticks   INTEGER NOT NULL,
            cooldown_ticks INTEGER,
            webhook        TEXT NOT NULL,
            headers        TEXT NOT NULL,
            created_by     TEXT NOT NULL,
            created        INTEGER NOT NULL,
            changed_by     TEXT NOT NULL,
            changed        INTEGER NOT NULL,
            rule           TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS alert_audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            rule_id INTEGER NOT NULL,
            action  TEXT NOT NULL,
            by_key  TEXT NOT NULL,
            at      INTEGER NOT NULL,
            rule    TEXT NOT NULL
        );
        """;

    private const int ConstraintFailed = 19; // SQLITE_CONSTRAINT: the unique name_key

    private readonly SqliteSideFile _file;

    public SqliteAlertRuleStore(string dataDirectory) =>
        _file = new SqliteSideFile(Path.Combine(dataDirectory, SqliteAlertStateStore.FileName), CreateSchemaAsync);

    public async Task<StoredAlertRule?> AddAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await AlertRuleRows.AddAsync(connection, rule, describe, NameTaken, cancellationToken);
    }

    public async Task<AlertRuleWrite> UpdateAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await AlertRuleRows.UpdateAsync(connection, rule, describe, NameTaken, cancellationToken);
    }

    public async Task<bool> DeleteAsync(long id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await AlertRuleRows.DeleteAsync(connection, id, by, at, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAlertRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await AlertRuleRows.ListAsync(connection, cancellationToken);
    }

    public async Task<IReadOnlyList<AlertRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await AlertRuleRows.AuditAsync(connection, limit, cancellationToken);
    }

    private static bool NameTaken(System.Data.Common.DbException e) => e is SqliteException { SqliteErrorCode: ConstraintFailed };

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
