using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>SQLite's plan of a statement (<c>EXPLAIN QUERY PLAN</c>), its steps' texts: which index a query reads, whether it sorts.</summary>
internal static class SqlitePlans
{
    public static List<string> Of(SqliteConnection connection, Action<SqliteCommand> build)
    {
        using var command = connection.CreateCommand();
        build(command);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
