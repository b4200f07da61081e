using System.Text;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Turns an <see cref="EventQuery"/> into one parameterized SELECT, newest first (id DESC, see
/// <see cref="SqliteEventIds"/>), keyset-paged on the id.
/// </summary>
/// <remarks>
/// Full text has two plans. With a selective filter (user, machine, path) the filter's index drives and
/// each row is checked against FTS5 by rowid. Otherwise FTS5 drives: its matches come newest first
/// (rowid DESC) and the scan stops at the page size, however common the word.
/// </remarks>
internal static class SqliteQueryBuilder
{
    public static void Build(SqliteCommand command, EventQuery query)
    {
        var where = new List<string>();
        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            command.Parameters.AddWithValue(name, value);
        }

        var text = query.Words.Count > 0;
        var selective = query.User is not null || query.Machine is not null || query.PathPrefix is { Length: > 0 };
        var ftsDrives = text && !selective;
        var id = ftsDrives ? "f.rowid" : "e.id";

        if (query.App is { } app)
        {
            Add("e.app = $app", "$app", app);
        }

        if (query.User is { } user)
        {
            Add("e.user = $user", "$user", user);
        }

        if (query.Machine is { } machine)
        {
            Add("e.machine = $machine", "$machine", machine);
        }

        if (query.PathPrefix is { Length: > 0 } prefix)
        {
            // GLOB is case-sensitive and, with a literal prefix, uses ix_events_path as a range.
            Add("e.path GLOB $path", "$path", EscapeGlob(prefix) + "*");
        }

        if (query.MinLevel is { } level)
        {
            Add("e.level >= $level", "$level", (int)level);
        }

        if (query.From is { } from)
        {
            Add($"{id} >= $from_id", "$from_id", SqliteEventIds.First(from));
            Add("e.ts >= $from", "$from", from.UtcTicks);
        }

        if (query.To is { } to)
        {
            Add($"{id} < $to_id", "$to_id", SqliteEventIds.After(to));
            Add("e.ts <= $to", "$to", to.UtcTicks);
        }

        if (query.Before is { } before)
        {
            Add($"{id} < $before", "$before", before.Id);
        }

        if (text)
        {
            command.Parameters.AddWithValue("$match", FtsMatch(query.Words));
            if (!ftsDrives)
            {
                where.Add("EXISTS (SELECT 1 FROM events_fts WHERE events_fts MATCH $match AND rowid = e.id)");
            }
            else
            {
                where.Add("f.events_fts MATCH $match");
            }
        }

        var sql = new StringBuilder("SELECT ").Append(SqliteSchema.SelectColumns);
        if (ftsDrives)
        {
            sql.Append(" FROM events_fts f CROSS JOIN events e ON e.id = f.rowid WHERE ").AppendJoin(" AND ", where)
                .Append(" ORDER BY f.rowid DESC LIMIT $limit");
        }
        else
        {
            // Ids first, rows after: an index range (a path prefix spans many paths) is sorted on the
            // index alone, and only the rows of the page are read.
            sql.Append(" FROM events e WHERE e.id IN (SELECT e.id FROM events e");
            if (where.Count > 0)
            {
                sql.Append(" WHERE ").AppendJoin(" AND ", where);
            }

            sql.Append(" ORDER BY e.id DESC LIMIT $limit) ORDER BY e.id DESC");
        }

        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
    }

    /// <summary>Every word as an FTS5 string (quotes doubled): user input never reaches the FTS syntax.</summary>
    internal static string FtsMatch(IReadOnlyList<string> words) =>
        string.Join(" AND ", words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

    internal static string EscapeGlob(string literal)
    {
        var escaped = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            _ = c switch
            {
                '*' => escaped.Append("[*]"),
                '?' => escaped.Append("[?]"),
                '[' => escaped.Append("[[]"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
