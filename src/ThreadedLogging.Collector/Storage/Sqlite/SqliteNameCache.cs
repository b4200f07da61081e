using System.Collections.Concurrent;
using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The names of the keys an event row holds (app, version, user, machine, path, instance, category, template: <see cref="Tables"/>), kept
/// in memory for the reads: a row is read with its keys (<see cref="SqliteSchema.SelectColumns"/>) and each key becomes
/// its name here, a dictionary hit where the query used to look each one up in its table (six B-tree seeks a row: the
/// larger part of an export's SQLite time after the row reads themselves, bench/README.md "Export"). A key's name never
/// changes and a key is never given to another name (<see cref="SqliteNameKeys"/>; retention deletes only instances
/// whose events are all gone, and the largest key stays), so an entry never goes stale. Shared by the read connections.
/// </summary>
internal sealed class SqliteNameCache
{
    /// <summary>The tables of names, in the order of the key columns of <see cref="SqliteSchema.SelectColumns"/>.</summary>
    public static readonly string[] Tables = ["apps", "versions", "user_names", "machines", "paths", "instances", "categories", "templates"];

    /// <summary>Past this many names of a table in memory (instances add one per process start) its memory starts again.</summary>
    private const int MaxNames = 100_000;

    private readonly ConcurrentDictionary<long, string>[] _names = [.. Tables.Select(_ => new ConcurrentDictionary<long, string>())];

    /// <summary>Gets the name of <paramref name="key"/> in table <paramref name="table"/>, looked up on <paramref name="lookups"/> when not in memory.</summary>
    public string? NameOf(int table, long key, Lookups lookups)
    {
        var names = _names[table];
        if (names.TryGetValue(key, out var name))
        {
            return name;
        }

        if (lookups.Find(table, key) is not { } found)
        {
            return null; // a key whose row is gone: not kept
        }

        if (names.Count >= MaxNames)
        {
            names.Clear();
        }

        names[key] = found;
        return found;
    }

    /// <summary>Forgets the name of <paramref name="key"/> in table <paramref name="table"/> (an erased user's: <see cref="SqliteUserErasure"/>).</summary>
    public void Forget(int table, long key) => _names[table].TryRemove(key, out _);

    /// <summary>One read's statements that look a key up in its table, prepared at the first miss, on the read's connection.</summary>
    internal sealed class Lookups(sqlite3 db) : IDisposable
    {
        private readonly sqlite3_stmt?[] _find = new sqlite3_stmt?[Tables.Length];

        public string? Find(int table, long key)
        {
            var find = _find[table];
            if (find is null)
            {
                RawEventReader.Check(raw.sqlite3_prepare_v2(db, $"SELECT name FROM {Tables[table]} WHERE id = ?", out find), db);
                _find[table] = find;
            }

            raw.sqlite3_reset(find);
            RawEventReader.Check(raw.sqlite3_bind_int64(find, 1, key), db);
            var rc = raw.sqlite3_step(find);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_text(find, 0).utf8_to_string();
            }

            RawEventReader.Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc, db);
            return null;
        }

        public void Dispose()
        {
            foreach (var find in _find)
            {
                find?.Dispose();
            }
        }
    }
}
