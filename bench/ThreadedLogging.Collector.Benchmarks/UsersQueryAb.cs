using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Benchmarks;

/// <summary>
/// The users page's window counts, the two ways, on one read connection to the console benchmark's store and
/// interleaved (so the shared machine's load weighs on both alike): one grouped statement for the page's 50 users
/// plus one read of their latest errors (SqliteUserQueries since this change), against a statement per user plus
/// a read per latest error (before it).
/// </summary>
internal static class UsersQueryAb
{
    private const string Window = "e.id >= $from_id AND e.id < $to_id AND e.ts >= $from AND e.ts <= $to";

    public static void Run(string directory, int iterations)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "collector.db")};Mode=ReadOnly");
        connection.Open();
        var page = new List<(string User, long? ErrorId)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT user, last_error_id FROM users ORDER BY last_seen DESC, user DESC LIMIT 50";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                page.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            }
        }

        var to = DateTimeOffset.UtcNow;
        var from = to.AddHours(-24);
        using (var plan = connection.CreateCommand())
        {
            plan.CommandText = "EXPLAIN QUERY PLAN " + GroupedSql(plan, page);
            Read(plan, from, to, row => Console.WriteLine("  plan: " + row.GetString(3)));
        }

        var grouped = new List<double>();
        var perUser = new List<double>();
        for (var i = 0; i < iterations + 5; i++)
        {
            var a = Time(() => Grouped(connection, page, from, to));
            var b = Time(() => PerUser(connection, page, from, to));
            if (i >= 5)
            {
                grouped.Add(a);
                perUser.Add(b);
            }
        }

        grouped.Sort();
        perUser.Sort();
        Console.WriteLine($"| users page window counts + latest errors, 50 users (SQL only, SQLite {connection.ServerVersion}) | grouped p50 {grouped[grouped.Count / 2]:N2} / p95 {grouped[(int)(grouped.Count * 0.95)]:N2} ms | per user p50 {perUser[perUser.Count / 2]:N2} / p95 {perUser[(int)(perUser.Count * 0.95)]:N2} ms | {ConsoleBench.LoadAverage()} |");
    }

    private static double Time(Func<long> run)
    {
        var started = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static long Grouped(SqliteConnection connection, List<(string User, long? ErrorId)> page, DateTimeOffset from, DateTimeOffset to)
    {
        using var command = connection.CreateCommand();
        command.CommandText = GroupedSql(command, page);
        var rows = Read(command, from, to);
        using var errors = connection.CreateCommand();
        errors.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e WHERE e.id IN ({string.Join(", ", page.Where(p => p.ErrorId is not null).Select(p => p.ErrorId!.Value.ToString(CultureInfo.InvariantCulture)))})";
        return rows + Drain(errors);
    }

    /// <summary>The statement SqliteUserQueries runs for a page (its parameters added to the command).</summary>
    private static string GroupedSql(SqliteCommand command, List<(string User, long? ErrorId)> page)
    {
        var names = page.Select((p, i) => { command.Parameters.AddWithValue("$u" + i.ToString(CultureInfo.InvariantCulture), p.User); return "$u" + i.ToString(CultureInfo.InvariantCulture); }).ToList();
        return $"SELECT e.user_key, e.level, e.machine_key, e.app_key, e.version_key, count(*) FROM events e WHERE e.user_key IN (SELECT id FROM user_names WHERE name IN ({string.Join(", ", names)})) AND {Window} GROUP BY e.user_key, e.level, e.machine_key, e.app_key, e.version_key";
    }

    private static long PerUser(SqliteConnection connection, List<(string User, long? ErrorId)> page, DateTimeOffset from, DateTimeOffset to)
    {
        long rows = 0;
        foreach (var (user, errorId) in page)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT e.level, e.machine_key, e.app_key, e.version_key, count(*) FROM events e WHERE e.user_key = (SELECT id FROM user_names WHERE name = $user) AND {Window} GROUP BY e.level, e.machine_key, e.app_key, e.version_key";
            command.Parameters.AddWithValue("$user", user);
            rows += Read(command, from, to);
            if (errorId is { } id)
            {
                using var error = connection.CreateCommand();
                error.CommandText = $"SELECT {SqliteSchema.SelectColumns} FROM events e WHERE e.id = $id";
                error.Parameters.AddWithValue("$id", id);
                rows += Drain(error);
            }
        }

        return rows;
    }

    private static long Read(SqliteCommand command, DateTimeOffset from, DateTimeOffset to, Action<SqliteDataReader>? onRow = null)
    {
        command.Parameters.AddWithValue("$from_id", SqliteEventIds.First(from));
        command.Parameters.AddWithValue("$to_id", SqliteEventIds.After(to, 0));
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        command.Parameters.AddWithValue("$to", to.UtcTicks);
        return Drain(command, onRow);
    }

    private static long Drain(SqliteCommand command, Action<SqliteDataReader>? onRow = null)
    {
        long rows = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            onRow?.Invoke(reader);
            rows++;
        }

        return rows;
    }
}
