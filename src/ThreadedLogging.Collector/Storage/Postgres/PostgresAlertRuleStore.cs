using System.Data.Common;
using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The alert rules made through the API on PostgreSQL: the <c>alert_rules</c> and <c>alert_audit</c> tables (schema
/// version 12), shared by every collector of the database; the one holding the alert lease evaluates them.
/// </summary>
internal static class PostgresAlertRuleStore
{
    public static IAlertRuleStore Create(NpgsqlDataSource dataSource) => new AlertRuleStore(
        async cancellationToken => await dataSource.OpenConnectionAsync(cancellationToken),
        static (DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation });
}
