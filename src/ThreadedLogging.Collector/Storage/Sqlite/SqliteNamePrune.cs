using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Deletes the names that no event refers to any more, among the keys of the events a retention chunk or an erasure
/// deleted: the users, machines, paths, categories and templates (<see cref="Tables"/>), each a row per distinct value, so
/// a table that grows with the events — a path per order id, a template per message (Serilog's <c>$"…"</c>, Python's
/// f-strings) — goes with them. Before, none went: 32,000 events each its own template kept 66 MB after a size cap had
/// removed every event, and an erased user's templates and categories kept the texts that named them. Apps and versions
/// stay (one per app and release); instances go by their own mark (<see cref="SqliteInstanceKeys"/>).
/// </summary>
/// <remarks>
/// Each key is checked against <c>events</c> by an index (<c>ix_events_template_key</c> and <c>ix_events_category_key</c>
/// since schema version 11), in the transaction of the deletes, so a stop leaves no name behind. The largest key of a table
/// is never deleted (SQLite gives a new row the largest + 1, and a reader may hold the old name under it): retention keeps
/// its row, an erasure overwrites its name. The caller runs the transaction between two group commits of the writer and
/// then has the writer forget its keys (<see cref="SqliteBatchWriter.ForgetNameKeys"/>), so no event is stored under a
/// deleted key.
/// </remarks>
internal sealed class SqliteNamePrune
{
    /// <summary>What an erased name becomes when its key is the largest of its table: no client sends it (a control character).</summary>
    public const string ErasedName = "\u0001erased ";

    /// <summary>The tables pruned and their column in <c>events</c>, in the order of <see cref="KeyColumns"/>.</summary>
    private static readonly (string Table, string Column)[] Tables =
        [("user_names", "user_key"), ("machines", "machine_key"), ("paths", "path_key"), ("categories", "category_key"), ("templates", "template_key")];

    private readonly HashSet<long>[] _keys = [.. Tables.Select(_ => new HashSet<long>())];

    /// <summary>The key columns of an event, in the order <see cref="Add"/> reads them.</summary>
    public static string KeyColumns => string.Join(", ", Tables.Select(t => t.Column));

    /// <summary>Gets whether no key was added since the last <see cref="Drop"/>.</summary>
    public bool IsEmpty => _keys.All(k => k.Count == 0);

    /// <summary>
    /// Every name of the five tables that no event refers to, but the largest key of each: run once, at the upgrade to
    /// schema version 11, for the names that the retention and erasures of earlier versions left.
    /// </summary>
    public static string DropAllUnused => string.Concat(Tables.Select(t =>
        $"DELETE FROM {t.Table} WHERE id < (SELECT max(id) FROM {t.Table}) AND NOT EXISTS (SELECT 1 FROM events WHERE {t.Column} = {t.Table}.id);\n"));

    /// <summary>Adds the keys of the events from <paramref name="first"/> to <paramref name="last"/> (ids), before their delete.</summary>
    public void AddRange(SqliteTransaction transaction, long first, long last)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {KeyColumns} FROM events WHERE id BETWEEN $first AND $last";
        command.Parameters.AddWithValue("$first", first);
        command.Parameters.AddWithValue("$last", last);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Add(reader, 0);
        }
    }

    /// <summary>Adds an event's keys: the columns of <see cref="KeyColumns"/> from <paramref name="ordinal"/> on.</summary>
    public void Add(SqliteDataReader reader, int ordinal)
    {
        for (var i = 0; i < Tables.Length; i++)
        {
            // A template key of 0 is a template that is its message (SqliteTemplateKeys.Message): no row.
            if (!reader.IsDBNull(ordinal + i) && reader.GetInt64(ordinal + i) is var key and > 0)
            {
                _keys[i].Add(key);
            }
        }
    }

    /// <summary>Adds the keys of a user's names (an erasure's, found by the name).</summary>
    public void AddUserKeys(IEnumerable<long> keys) => _keys[0].UnionWith(keys);

    /// <summary>
    /// Deletes the name of each key added that no event refers to any more, in <paramref name="transaction"/>; the largest
    /// key of its table is overwritten with <see cref="ErasedName"/> when <paramref name="overwriteLargest"/>, else kept.
    /// Returns the names deleted or overwritten (<see cref="SqliteNameCache.Tables"/>' index, key), and forgets the keys added.
    /// </summary>
    public List<(int Table, long Key)> Drop(SqliteTransaction transaction, bool overwriteLargest)
    {
        var names = new List<(int Table, long Key)>();
        for (var i = 0; i < Tables.Length; i++)
        {
            if (_keys[i].Count > 0)
            {
                Drop(transaction, names, Tables[i].Table, Tables[i].Column, _keys[i], overwriteLargest);
                _keys[i].Clear();
            }
        }

        return names;
    }

    private static void Drop(SqliteTransaction transaction, List<(int Table, long Key)> names, string table, string column, HashSet<long> keys, bool overwriteLargest)
    {
        var tableIndex = Array.IndexOf(SqliteNameCache.Tables, table);
        var unused = $"id = $key AND NOT EXISTS (SELECT 1 FROM events WHERE {column} = $key)";
        using var delete = Command(transaction, $"DELETE FROM {table} WHERE {unused} AND id < (SELECT max(id) FROM {table})");
        var deleteKey = delete.Parameters.Add("$key", SqliteType.Integer);
        using var overwrite = Command(transaction, $"UPDATE {table} SET name = $name WHERE {unused}");
        var overwriteKey = overwrite.Parameters.Add("$key", SqliteType.Integer);
        var overwriteName = overwrite.Parameters.Add("$name", SqliteType.Text);
        foreach (var key in keys)
        {
            deleteKey.Value = key;
            var changed = delete.ExecuteNonQuery();
            if (changed == 0 && overwriteLargest)
            {
                overwriteKey.Value = key;
                overwriteName.Value = ErasedName + key.ToString(CultureInfo.InvariantCulture);
                changed = overwrite.ExecuteNonQuery();
            }

            if (changed > 0)
            {
                names.Add((tableIndex, key));
            }
        }
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
