using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// <see cref="ILevelRuleStore"/> on PostgreSQL: the <c>level_rules</c> and <c>level_audit</c> tables (schema
/// version 3), shared by every collector of the database. Times are UTC ticks as in the events table.
/// </summary>
internal sealed class PostgresLevelRuleStore(NpgsqlDataSource dataSource) : ILevelRuleStore
{
    public async Task<LevelRule> AddAsync(LevelRule rule, Func<LevelRule, string> describe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO level_rules (app, version, user_name, machine, category, level, expires, created_by, created, rule)
            VALUES (@app, @version, @user, @machine, @category, @level, @expires, @createdBy, @created, '')
            RETURNING id
            """, connection, transaction);
        insert.Parameters.AddWithValue("app", (object?)rule.App ?? DBNull.Value);
        insert.Parameters.AddWithValue("version", (object?)rule.Version ?? DBNull.Value);
        insert.Parameters.AddWithValue("user", (object?)rule.User ?? DBNull.Value);
        insert.Parameters.AddWithValue("machine", (object?)rule.Machine ?? DBNull.Value);
        insert.Parameters.AddWithValue("category", (object?)rule.Category ?? DBNull.Value);
        insert.Parameters.AddWithValue("level", (short)rule.Level);
        insert.Parameters.AddWithValue("expires", rule.Expires.UtcTicks);
        insert.Parameters.AddWithValue("createdBy", rule.CreatedBy);
        insert.Parameters.AddWithValue("created", rule.Created.UtcTicks);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

        // The rule's text is written with its id, which the insert gave.
        var ruleJson = describe(rule with { Id = id });
        await using var describeRule = new NpgsqlCommand("UPDATE level_rules SET rule = @rule WHERE id = @id", connection, transaction);
        describeRule.Parameters.AddWithValue("rule", ruleJson);
        describeRule.Parameters.AddWithValue("id", id);
        await describeRule.ExecuteNonQueryAsync(cancellationToken);
        await AuditAsync(connection, transaction, id, "created", rule.CreatedBy, rule.Created, ruleJson, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rule with { Id = id };
    }

    public async Task<IReadOnlyList<LevelRule>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, app, version, user_name, machine, category, level, expires, created_by, created
            FROM level_rules WHERE expires > @now ORDER BY id
            """);
        command.Parameters.AddWithValue("now", now.UtcTicks);
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("DELETE FROM level_rules WHERE id = @id RETURNING rule", connection, transaction);
        delete.Parameters.AddWithValue("id", id);
        if (await delete.ExecuteScalarAsync(cancellationToken) is not string rule)
        {
            return false;
        }

        await AuditAsync(connection, transaction, id, "revoked", by, now, rule, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<LevelRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT rule_id, action, by_key, at, rule FROM level_audit ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        var changes = new List<LevelRuleChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(LevelRuleRows.ReadChange(reader));
        }

        return changes;
    }

    private static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string action, string by, DateTimeOffset at, string rule, CancellationToken cancellationToken)
    {
        await using var audit = new NpgsqlCommand("INSERT INTO level_audit (rule_id, action, by_key, at, rule) VALUES (@id, @action, @by, @at, @rule)", connection, transaction);
        audit.Parameters.AddWithValue("id", id);
        audit.Parameters.AddWithValue("action", action);
        audit.Parameters.AddWithValue("by", by);
        audit.Parameters.AddWithValue("at", at.UtcTicks);
        audit.Parameters.AddWithValue("rule", rule);
        await audit.ExecuteNonQueryAsync(cancellationToken);
    }
}
