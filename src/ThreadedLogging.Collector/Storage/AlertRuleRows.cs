using System.Data.Common;
using System.Text.Json;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The <c>alert_rules</c> and <c>alert_audit</c> tables of both stores: the same SQL (named <c>@</c> parameters, which
/// SQLite and Npgsql both read), times and spans as ticks, headers as a JSON object, names unique by <c>name_key</c>
/// (the name in upper case: unique ignoring case, as configured rules are, whatever the engine's collation).
/// The store gives the connection and says which failure is a taken name.
/// </summary>
internal static class AlertRuleRows
{
    private const string Columns = "id, name, query, threshold, window_ticks, cooldown_ticks, webhook, headers, created_by, created, changed_by, changed";

    public static async Task<StoredAlertRule?> AddAsync(
        DbConnection connection, StoredAlertRule rule, Func<StoredAlertRule, string> describe, Func<DbException, bool> nameTaken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, transaction, """
            INSERT INTO alert_rules (name, name_key, query, threshold, window_ticks, cooldown_ticks, webhook, headers, created_by, created, changed_by, changed, rule)
            VALUES (@name, @name_key, @query, @threshold, @window_ticks, @cooldown_ticks, @webhook, @headers, @created_by, @created, @changed_by, @changed, '')
            RETURNING id
            """);
        Bind(insert, rule);
        long id;
        try
        {
            id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DbException e) when (nameTaken(e))
        {
            return null;
        }

        var stored = rule with { Id = id };
        await DescribeAsync(connection, transaction, stored, "created", describe(stored), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public static async Task<AlertRuleWrite> UpdateAsync(
        DbConnection connection, StoredAlertRule rule, Func<StoredAlertRule, string> describe, Func<DbException, bool> nameTaken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var update = Command(connection, transaction, """
            UPDATE alert_rules SET name = @name, name_key = @name_key, query = @query, threshold = @threshold, window_ticks = @window_ticks,
                cooldown_ticks = @cooldown_ticks, webhook = @webhook, headers = @headers, changed_by = @changed_by, changed = @changed
            WHERE id = @id
            """);
        Bind(update, rule);
        Add(update, "id", rule.Id);
        try
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return AlertRuleWrite.NotFound;
            }
        }
        catch (DbException e) when (nameTaken(e))
        {
            return AlertRuleWrite.NameTaken;
        }

        await DescribeAsync(connection, transaction, rule, "changed", describe(rule), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return AlertRuleWrite.Done;
    }

    public static async Task<bool> DeleteAsync(DbConnection connection, long id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection, transaction, "DELETE FROM alert_rules WHERE id = @id RETURNING rule");
        Add(delete, "id", id);
        if (await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string rule)
        {
            return false;
        }

        await AuditAsync(connection, transaction, id, "deleted", by, at, rule, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static async Task<IReadOnlyList<StoredAlertRule>> ListAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, $"SELECT {Columns} FROM alert_rules ORDER BY id");
        var rules = new List<StoredAlertRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(new StoredAlertRule
            {
                Id = reader.GetInt64(0),
                Name = reader.GetString(1),
                Query = reader.GetString(2),
                Threshold = Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                Window = new TimeSpan(reader.GetInt64(4)),
                Cooldown = reader.IsDBNull(5) ? null : new TimeSpan(reader.GetInt64(5)),
                Webhook = reader.GetString(6),
                Headers = ReadHeaders(reader.GetString(7)),
                CreatedBy = reader.GetString(8),
                Created = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
                ChangedBy = reader.GetString(10),
                Changed = new DateTimeOffset(reader.GetInt64(11), TimeSpan.Zero),
            });
        }

        return rules;
    }

    public static async Task<IReadOnlyList<AlertRuleChange>> AuditAsync(DbConnection connection, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT rule_id, action, by_key, at, rule FROM alert_audit ORDER BY id DESC LIMIT @limit");
        Add(command, "limit", limit);
        var changes = new List<AlertRuleChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            changes.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), reader.GetString(4)));
        }

        return changes;
    }

    /// <summary>Writes the rule's text (with its id) on its row, for the audit of its deletion, and audits the change.</summary>
    private static async Task DescribeAsync(DbConnection connection, DbTransaction transaction, StoredAlertRule rule, string action, string text, CancellationToken cancellationToken)
    {
        await using var describe = Command(connection, transaction, "UPDATE alert_rules SET rule = @rule WHERE id = @id");
        Add(describe, "rule", text);
        Add(describe, "id", rule.Id);
        await describe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync(connection, transaction, rule.Id, action, rule.ChangedBy, rule.Changed, text, cancellationToken).ConfigureAwait(false);
    }

    private static async Task AuditAsync(
        DbConnection connection, DbTransaction transaction, long id, string action, string by, DateTimeOffset at, string rule, CancellationToken cancellationToken)
    {
        await using var audit = Command(connection, transaction, "INSERT INTO alert_audit (rule_id, action, by_key, at, rule) VALUES (@id, @action, @by, @at, @rule)");
        Add(audit, "id", id);
        Add(audit, "action", action);
        Add(audit, "by", by);
        Add(audit, "at", at.UtcTicks);
        Add(audit, "rule", rule);
        await audit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(DbCommand command, StoredAlertRule rule)
    {
        Add(command, "name", rule.Name);
        Add(command, "name_key", rule.Name.ToUpperInvariant());
        Add(command, "query", rule.Query);
        Add(command, "threshold", rule.Threshold);
        Add(command, "window_ticks", rule.Window.Ticks);
        Add(command, "cooldown_ticks", rule.Cooldown is { } cooldown ? cooldown.Ticks : DBNull.Value);
        Add(command, "webhook", rule.Webhook);
        Add(command, "headers", WriteHeaders(rule.Headers));
        Add(command, "created_by", rule.CreatedBy);
        Add(command, "created", rule.Created.UtcTicks);
        Add(command, "changed_by", rule.ChangedBy);
        Add(command, "changed", rule.Changed.UtcTicks);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string WriteHeaders(IReadOnlyDictionary<string, string> headers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Dictionary<string, string> ReadHeaders(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
    }
}
