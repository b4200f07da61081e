using System.Data.Common;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// <see cref="IAlertRuleStore"/> on either engine: a connection per call, the SQL of <see cref="AlertRuleRows"/>. The
/// engine gives the connection (SQLite: <see cref="Sqlite.SqliteAlertsFile"/>; PostgreSQL: its data source, schema
/// version 12, shared by every collector of the database) and says which of its failures is a taken name.
/// </summary>
/// <param name="open">Opens a connection to the tables <c>alert_rules</c> and <c>alert_audit</c>.</param>
/// <param name="nameTaken">Whether a failure is the engine's unique violation of <c>name_key</c>.</param>
internal sealed class AlertRuleStore(Func<CancellationToken, Task<DbConnection>> open, Func<DbException, bool> nameTaken) : IAlertRuleStore
{
    public async Task<StoredAlertRule?> AddAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await AlertRuleRows.AddAsync(connection, rule, describe, nameTaken, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AlertRuleWrite> UpdateAsync(StoredAlertRule rule, Func<StoredAlertRule, string> describe, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await AlertRuleRows.UpdateAsync(connection, rule, describe, nameTaken, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(long id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await AlertRuleRows.DeleteAsync(connection, id, by, at, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredAlertRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await AlertRuleRows.ListAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        return await AlertRuleRows.AuditAsync(connection, limit, cancellationToken).ConfigureAwait(false);
    }
}
