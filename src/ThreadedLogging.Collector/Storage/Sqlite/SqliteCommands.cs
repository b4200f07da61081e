using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Commands a writer prepares once and reuses for every batch.</summary>
internal static class SqliteCommands
{
    /// <summary>A command with its parameters declared, values set per use through <c>Parameters[i]</c>.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
