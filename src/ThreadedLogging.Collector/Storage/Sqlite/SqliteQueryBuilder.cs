using System.Text;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Turns an <see cref="EventQuery"/> into one parameterized SELECT, newest first, keyset-paged.</summary>
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

        if (query.App is { } app)
        {
            Add("app = $app", "$app", app);
        }

        if (query.User is { } user)
        {
            Add("user = $user", "$user", user);
        }

        if (query.Machine is { } machine)
        {
            Add("machine = $machine", "$machine", machine);
        }

        if (query.PathPrefix is { Length: > 0 } prefix)
        {
            // GLOB is case-sensitive and, with a literal prefix, uses ix_events_path_ts as a range.
            Add("path GLOB $path", "$path", EscapeGlob(prefix) + "*");
        }

        if (query.MinLevel is { } level)
        {
            Add("level >= $level", "$level", (int)level);
        }

        if (query.From is { } from)
        {
            Add("ts >= $from", "$from", from.UtcTicks);
        }

        if (query.To is { } to)
        {
            Add("ts <= $to", "$to", to.UtcTicks);
        }

        if (query.Words.Count > 0)
        {
            Add("id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH $match)", "$match", FtsMatch(query.Words));
        }

        if (query.Before is { } before)
        {
            where.Add("(ts, id) < ($before_ts, $before_id)");
            command.Parameters.AddWithValue("$before_ts", before.TimestampTicks);
            command.Parameters.AddWithValue("$before_id", before.Id);
        }

        var sql = new StringBuilder("SELECT ").Append(SqliteSchema.SelectColumns).Append(" FROM events");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(" ORDER BY ts DESC, id DESC LIMIT $limit");
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
