using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <c>alerts.db</c> in the data folder (so <c>backup</c> copies it): the rules' state (<see cref="SqliteAlertStateStore"/>)
/// and the rules made through the API with their audit (<see cref="AlertRuleStore"/>), so that a support action never
/// waits on the event writer. WAL, as <c>levels.db</c>: a read (<c>GET /api/alerts</c>) never waits for the evaluator's
/// write, nor a write for a read. A lock held longer than <see cref="BusyTimeoutSeconds"/> (another process's
/// transaction) fails the call with SQLite's busy error, which the API answers 503 with the reason.
/// </summary>
internal static class SqliteAlertsFile
{
    public const string FileName = "alerts.db";

    /// <summary>How long a call waits for another connection's lock: the console's page waits that long at most, not 30 s.</summary>
    public const int BusyTimeoutSeconds = 5;

    private const int ConstraintFailed = 19; // SQLITE_CONSTRAINT: the unique name_key

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS alert_state (
            rule            TEXT PRIMARY KEY,
            query           TEXT NOT NULL,
            notified_to     INTEGER,
            pending_from    INTEGER,
            quiet_until     INTEGER NOT NULL,
            last_fired_from INTEGER,
            last_fired_count INTEGER
        );
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

    /// <summary>The file of <paramref name="dataDirectory"/>, its schema brought up to date at the first open.</summary>
    public static SqliteSideFile Open(string dataDirectory) =>
        new(Path.Combine(dataDirectory, FileName), CreateSchemaAsync, BusyTimeoutSeconds);

    /// <summary>The rules made through the API, in <paramref name="dataDirectory"/>'s file.</summary>
    public static IAlertRuleStore RuleStore(string dataDirectory)
    {
        var file = Open(dataDirectory);
        return new AlertRuleStore(
            async cancellationToken => await file.OpenAsync(cancellationToken),
            static (DbException e) => e is SqliteException { SqliteErrorCode: ConstraintFailed });
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
