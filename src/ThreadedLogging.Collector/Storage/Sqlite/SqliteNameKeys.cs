using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The writer's keys of one table of names (<see cref="SqliteSchema.CreateNames"/>), kept in memory: the events of a
/// request share their app, user, machine, path and instance, so an event's key is nearly always the one before it
/// (a string comparison, usually of the same instance), else a dictionary hit; a name not seen since the start costs a
/// lookup, and a new one an insert, in the writer's transaction. Not thread-safe: the writer alone calls it.
/// </summary>
/// <remarks>
/// A key in memory must be in the file: after a rollback (a failed request's savepoint, a failed commit) the writer
/// calls <see cref="Forget"/>, since the rows inserted meanwhile are gone. Keys are never deleted from the file,
/// except those of client instances, by retention: <see cref="SqliteInstanceKeys"/> checks them.
/// </remarks>
internal sealed class SqliteNameKeys : IDisposable
{
    /// <summary>Past this many names in memory (instances add one per process start) the memory starts again.</summary>
    private const int MaxKeys = 100_000;

    private readonly Dictionary<string, long> _keys = new(StringComparer.Ordinal);
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _insert;
    private string? _lastName;
    private long _lastKey;

    public SqliteNameKeys(SqliteConnection connection, string table)
    {
        _find = SqliteCommands.Prepare(connection, $"SELECT id FROM {table} WHERE name = $name", "$name");
        _insert = SqliteCommands.Prepare(connection, $"INSERT INTO {table} (name) VALUES ($name) RETURNING id", "$name");
    }

    /// <summary>Gets the key of <paramref name="name"/>, adding it to the table when new; null for null.</summary>
    public long? KeyOf(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (string.Equals(name, _lastName, StringComparison.Ordinal))
        {
            return _lastKey;
        }

        if (!_keys.TryGetValue(name, out var key))
        {
            key = FindOrAdd(name);
            if (_keys.Count >= MaxKeys)
            {
                _keys.Clear();
            }

            _keys[name] = key;
        }

        _lastName = name;
        _lastKey = key;
        return key;
    }

    /// <summary>Sets the transaction the lookups and inserts run in (the writer's group commit).</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _find.Transaction = transaction;
        _insert.Transaction = transaction;
    }

    /// <summary>Forgets every key (after a rollback: names inserted since may be gone); they are looked up again.</summary>
    public void Forget()
    {
        _keys.Clear();
        _lastName = null;
    }

    public void Dispose()
    {
        _find.Dispose();
        _insert.Dispose();
    }

    private long FindOrAdd(string name)
    {
        _find.Parameters[0].Value = name;
        if (_find.ExecuteScalar() is long found)
        {
            return found;
        }

        _insert.Parameters[0].Value = name;
        return (long)_insert.ExecuteScalar()!;
    }
}
