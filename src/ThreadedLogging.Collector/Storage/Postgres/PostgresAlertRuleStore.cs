using System.Data.Common;
using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// <see cref="IAlertRuleStore"/> on PostgreSQL: the <c>alert_rules</c> and <c>alert_audit</c> tables (schema version 12),
/// shared by every collector of the database; the one holding the alert lease evaluates them. The SQL is <see cref="AlertRuleRows"/>'.
/// </summary>
internal sealed class PostgresAlertRuleStore(NpgsqlDataSource dataSource) : IAlertRuleStore
{
    public async Task<StoredAlertRule?> AddAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AlertRuleRows.AddAsync(connection, rule, describe, NameTaken, cancellationToken);
    }

    public async Task<AlertRuleWrite> UpdateAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AlertRuleRows.UpdateAsync(connection, rule, describe, NameTaken, cancellationToken);
    }

    public async Task<bool> DeleteAsync(long id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AlertRuleRows.DeleteAsync(connection, id, by, at, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAlertRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AlertRuleRows.ListAsync(connection, cancellationToken);
    }

    public async Task<IReadOnlyList<AlertRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await AlertRuleRows.AuditAsync(connection, limit, cancellationToken);
    }

    private static bool NameTaken(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
