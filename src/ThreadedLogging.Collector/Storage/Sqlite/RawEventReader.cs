using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Runs an event query built into a <see cref="SqliteCommand"/> (<see cref="SqliteQueryBuilder"/>: its text and named
/// parameters) through SQLitePCLRaw on the same connection, and reads its rows (<see cref="SqliteSchema.SelectColumns"/>,
/// in the order of <see cref="StoredRows.ReadEvent"/>, names by their keys through <see cref="SqliteNameCache"/>). Microsoft.Data.Sqlite's reader makes five native calls for a
/// nullable text column (the row check and the type twice, then the text and its length) and three for an integer;
/// here a text is two calls (a NULL is a null pointer) and an integer one. Every event the SQLite store reads back (the
/// list, the live tail, the export, an event and its context) is read this way: an export spent more than a quarter of
/// its time in those calls (bench/README.md "Export").
/// </summary>
internal static class RawEventReader
{
    public static List<StoredEvent> Read(SqliteCommand command, SqliteNameCache names, int capacity, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>(capacity);
        using var lookups = new SqliteNameCache.Lookups(Handle(command));
        Step(command, row => events.Add(ReadEvent(row, names, lookups)), cancellationToken);
        return events;
    }

    /// <summary>
    /// Runs the command's statement (its text and named parameters) on its connection and hands each row to
    /// <paramref name="row"/>, which reads the row's columns while it is current (the event summary counts them as they come).
    /// </summary>
    public static void Step(SqliteCommand command, Action<sqlite3_stmt> row, CancellationToken cancellationToken)
    {
        var db = Handle(command);
        Check(raw.sqlite3_prepare_v2(db, command.CommandText, out var statement), db);
        using (statement)
        {
            foreach (SqliteParameter parameter in command.Parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, parameter.ParameterName);
                Check(parameter.Value switch
                {
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    long number => raw.sqlite3_bind_int64(statement, index, number),
                    int number => raw.sqlite3_bind_int64(statement, index, number),
                    double number => raw.sqlite3_bind_double(statement, index, number),
                    var other => throw new NotSupportedException($"An event query parameter of type {other?.GetType().Name ?? "null"}."),
                }, db);
            }

            // As SqliteCommand: a busy database is waited for up to the command's timeout (SQLite's own handler here,
            // removed after: a pooled connection goes back as it came), a cancelled request interrupts the query.
            raw.sqlite3_busy_timeout(db, command.CommandTimeout * 1000);
            try
            {
                using var interrupt = cancellationToken.Register(static d => raw.sqlite3_interrupt((sqlite3)d!), db);
                int rc;
                while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                {
                    row(statement);
                }

                Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc, db);
            }
            finally
            {
                raw.sqlite3_busy_timeout(db, 0);
            }
        }
    }

    /// <summary>The native handle of the command's open connection.</summary>
    public static sqlite3 Handle(SqliteCommand command) => command.Connection?.Handle ?? throw new InvalidOperationException("The connection is not open.");

    private static StoredEvent ReadEvent(sqlite3_stmt row, SqliteNameCache names, SqliteNameCache.Lookups lookups)
    {
        var message = Text(row, 4) ?? string.Empty;
        return new()
        {
            Id = raw.sqlite3_column_int64(row, 0),
            Timestamp = new DateTimeOffset(raw.sqlite3_column_int64(row, 1), TimeSpan.Zero),
            Level = (LogLevel)raw.sqlite3_column_int(row, 2),
            Category = Text(row, 3) ?? Name(row, 15, names, lookups),
            Message = message,
            Template = Text(row, 5) ?? Template(row, message, names, lookups),
            ExceptionJson = Text(row, 6),
            PropertiesJson = Text(row, 7),
            ContextJson = Text(row, 8),
            App = Name(row, 9, names, lookups),
            Version = Name(row, 10, names, lookups),
            User = Name(row, 11, names, lookups),
            Machine = Name(row, 12, names, lookups),
            Path = Name(row, 13, names, lookups),
            InstanceId = Name(row, 14, names, lookups),
            Sequence = raw.sqlite3_column_type(row, 17) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(row, 17),
        };
    }

    /// <summary>The template of a row written since version 9: its key's name, or the message itself (<see cref="SqliteTemplateKeys.Message"/>).</summary>
    private static string? Template(sqlite3_stmt row, string message, SqliteNameCache names, SqliteNameCache.Lookups lookups) =>
        raw.sqlite3_column_type(row, 16) != raw.SQLITE_NULL && raw.sqlite3_column_int64(row, 16) == SqliteTemplateKeys.Message
            ? message
            : Name(row, 16, names, lookups);

    /// <summary>The name of the key in column <paramref name="column"/> (the key columns follow <see cref="SqliteNameCache.Tables"/> from column 9), or null.</summary>
    private static string? Name(sqlite3_stmt row, int column, SqliteNameCache names, SqliteNameCache.Lookups lookups) =>
        raw.sqlite3_column_type(row, column) == raw.SQLITE_NULL ? null : names.NameOf(column - 9, raw.sqlite3_column_int64(row, column), lookups);

    /// <summary>A text column, or null for NULL (SQLite returns no pointer for it; an empty text has one).</summary>
    private static string? Text(sqlite3_stmt row, int column) => raw.sqlite3_column_text(row, column).utf8_to_string();

    internal static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
