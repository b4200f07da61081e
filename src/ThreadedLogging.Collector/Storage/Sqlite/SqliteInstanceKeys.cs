using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The writer's keys of client instances (<see cref="SqliteNameKeys"/> on <c>instances</c>), which, unlike the other
/// names, retention deletes once their events are gone (<see cref="SqliteRetention"/>): every process start adds one.
/// Not thread-safe: the writer alone calls it, in its transaction.
/// </summary>
/// <remarks>
/// Before a request's events are inserted, <see cref="Reserve"/> raises <c>last_id</c> of each of its instances, with
/// one UPDATE per instance, to the end of the millisecond of its latest event: the ids of its events lie at or below
/// that (<see cref="SqliteEventIds"/>), except in a full millisecond, where an event takes an id of a later one and
/// <see cref="RaiseTo"/> follows. An UPDATE that changes no row means that retention deleted the instance since its
/// key was kept in memory (writer and retention take turns on SQLite's write lock): its name is added again, with a
/// new key, before any event uses it, so no event is stored with a key that has no name.
/// </remarks>
internal sealed class SqliteInstanceKeys : IDisposable
{
    private readonly SqliteNameKeys _keys;
    private readonly RawStatement _raise;

    /// <summary>The request's instances and the largest value (timestamp ticks or id) of each, most often one.</summary>
    private readonly List<(string Name, long Largest)> _request = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public SqliteInstanceKeys(SqliteConnection connection)
    {
        _keys = new SqliteNameKeys(connection, "instances");
        _raise = new RawStatement(connection, SqliteSchema.RaiseInstanceLastId);
    }

    /// <summary>Gets the key of <paramref name="name"/>; null for null. Within a request, a key <see cref="Reserve"/> checked.</summary>
    public long? KeyOf(string? name) => _keys.KeyOf(name);

    /// <summary>Sets the transaction the lookups and inserts run in (the writer's group commit).</summary>
    public void Enlist(SqliteTransaction transaction) => _keys.Enlist(transaction);

    /// <summary>Forgets every key (after a rollback); they are looked up again.</summary>
    public void Forget() => _keys.Forget();

    /// <summary>
    /// Before <paramref name="events"/> are inserted: raises the <c>last_id</c> of each of their instances above the
    /// ids they will get, and replaces a key that retention deleted.
    /// </summary>
    public void Reserve(IReadOnlyList<NewEvent> events)
    {
        _request.Clear();
        _positions.Clear();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].InstanceId is { } name)
            {
                Note(name, events[i].Timestamp.UtcTicks);
            }
        }

        foreach (var (name, ticks) in _request)
        {
            var milliseconds = SqliteEventIds.Milliseconds(new DateTimeOffset(ticks, TimeSpan.Zero));
            var endOfMillisecond = SqliteEventIds.Create(Math.Max(0, milliseconds), SqliteEventIds.CounterMask);
            if (Raise(_keys.KeyOf(name)!.Value, endOfMillisecond) == 0)
            {
                _keys.Forget(); // retention deleted it, maybe others: each is looked up, or added, again
                if (Raise(_keys.KeyOf(name)!.Value, endOfMillisecond) != 1)
                {
                    throw new InvalidOperationException($"The instance '{name}' has no row after it was added.");
                }
            }
        }
    }

    /// <summary>After events took ids of a later millisecond (a full one): raises their instances' <c>last_id</c> to those ids.</summary>
    public void RaiseTo(IReadOnlyList<NewEvent> events, ReadOnlySpan<long> ids)
    {
        _request.Clear();
        _positions.Clear();
        for (var i = 0; i < events.Count; i++)
        {
            if (ids[i] >= 0 && events[i].InstanceId is { } name)
            {
                Note(name, ids[i]);
            }
        }

        foreach (var (name, id) in _request)
        {
            Raise(_keys.KeyOf(name)!.Value, id); // checked by Reserve in this transaction
        }
    }

    public void Dispose()
    {
        _keys.Dispose();
        _raise.Dispose();
    }

    private void Note(string name, long value)
    {
        // Consecutive events nearly always share their instance: the last entry first.
        var last = _request.Count - 1;
        if (last < 0 || !string.Equals(_request[last].Name, name, StringComparison.Ordinal))
        {
            if (!_positions.TryGetValue(name, out last))
            {
                _positions[name] = _request.Count;
                _request.Add((name, value));
                return;
            }
        }

        if (value > _request[last].Largest)
        {
            _request[last] = (name, value);
        }
    }

    private int Raise(long key, long id)
    {
        _raise.Bind(1, key);
        _raise.Bind(2, id);
        return _raise.Execute(0);
    }
}
