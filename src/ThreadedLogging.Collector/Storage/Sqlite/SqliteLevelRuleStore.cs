using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// <see cref="ILevelRuleStore"/> on SQLite: a small file of its own beside the event store (as the SQS poison
/// store), so that a support action never waits on the event writer. Versioned with <c>PRAGMA user_version</c>.
/// </summary>
internal sealed class SqliteLevelRuleStore : ILevelRuleStore
{
    public const string FileName = "levels.db";

    public const int Version = 1;

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE level_rules (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            app        TEXT,
            version    TEXT,
            user       TEXT,
            machine    TEXT,
            category   TEXT,
            level      INTEGER NOT NULL,
            expires    INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            created    INTEGER NOT NULL,
            rule       TEXT NOT NULL
        );
        CREATE INDEX ix_level_rules_expires ON level_rules (expires);
        CREATE TABLE level_audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            rule_id INTEGER NOT NULL,
            action  TEXT NOT NULL,
            by      TEXT NOT NULL,
            at      INTEGER NOT NULL,
            rule    TEXT NOT NULL
        );
        """,
    ];

    private readonly SqliteSideFile _file;

    public SqliteLevelRuleStore(string dataDirectory)
    {
        DatabasePath = Path.Combine(dataDirectory, FileName);
        _file = new SqliteSideFile(DatabasePath, UpgradeAsync);
    }

    public string DatabasePath { get; }

    public async Task<LevelRule> AddAsync(LevelRule rule, Func<LevelRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO level_rules (app, version, user, machine, category, level, expires, created_by, created, rule)
            VALUES ($app, $version, $user, $machine, $category, $level, $expires, $createdBy, $created, '')
            RETURNING id
            """;
        insert.Parameters.AddWithValue("$app", (object?)rule.App ?? DBNull.Value);
        insert.Parameters.AddWithValue("$version", (object?)rule.Version ?? DBNull.Value);
        insert.Parameters.AddWithValue("$user", (object?)rule.User ?? DBNull.Value);
        insert.Parameters.AddWithValue("$machine", (object?)rule.Machine ?? DBNull.Value);
        insert.Parameters.AddWithValue("$category", (object?)rule.Category ?? DBNull.Value);
        insert.Parameters.AddWithValue("$level", (int)rule.Level);
        insert.Parameters.AddWithValue("$expires", rule.Expires.UtcTicks);
        insert.Parameters.AddWithValue("$createdBy", rule.CreatedBy);
        insert.Parameters.AddWithValue("$created", rule.Created.UtcTicks);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

        // The rule's text is written with its id, which the insert gave.
        var ruleJson = describe(rule with { Id = id });
        await using var describeRule = connection.CreateCommand();
        describeRule.CommandText = "UPDATE level_rules SET rule = $rule WHERE id = $id";
        describeRule.Parameters.AddWithValue("$rule", ruleJson);
        describeRule.Parameters.AddWithValue("$id", id);
        await describeRule.ExecuteNonQueryAsync(cancellationToken);
        await AuditAsync(connection, id, "created", rule.CreatedBy, rule.Created, ruleJson, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rule with { Id = id };
    }

    public async Task<IReadOnlyList<LevelRule>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, app, version, user, machine, category, level, expires, created_by, created
            FROM level_rules WHERE expires > $now ORDER BY id
            """;
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        var rules = new List<LevelRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(LevelRuleRows.ReadRule(reader));
        }

        return rules;
    }

    public async Task<bool> RevokeAsync(long id, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM level_rules WHERE id = $id RETURNING rule";
        delete.Parameters.AddWithValue("$id", id);
        if (await delete.ExecuteScalarAsync(cancellationToken) is not string rule)
        {
            return false;
        }

        await AuditAsync(connection, id, "revoked", by, now, rule, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<LevelRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rule_id, action, by, at, rule FROM level_audit ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        var changes = new List<LevelRuleChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(LevelRuleRows.ReadChange(reader));
        }

        return changes;
    }

    private static async Task AuditAsync(SqliteConnection connection, long id, string action, string by, DateTimeOffset at, string rule, CancellationToken cancellationToken)
    {
        await using var audit = connection.CreateCommand();
        audit.CommandText = "INSERT INTO level_audit (rule_id, action, by, at, rule) VALUES ($id, $action, $by, $at, $rule)";
        audit.Parameters.AddWithValue("$id", id);
        audit.Parameters.AddWithValue("$action", action);
        audit.Parameters.AddWithValue("$by", by);
        audit.Parameters.AddWithValue("$at", at.UtcTicks);
        audit.Parameters.AddWithValue("$rule", rule);
        await audit.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    /// <exception cref="InvalidOperationException">The file's schema is newer than this collector.</exception>
    private static async Task UpgradeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (current > Version)
        {
            throw new InvalidOperationException($"{FileName} has schema version {current}; this collector knows up to {Version}. Upgrade the collector.");
        }

        for (var step = current; step < Version; step++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var apply = connection.CreateCommand();
            apply.CommandText = Steps[step] + $"; PRAGMA user_version = {step + 1};";
            await apply.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
