using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Inserts a request's events into <c>events</c> with their ids (<see cref="SqliteEventIds"/>) and the keys of their
/// names (<see cref="SqliteNameKeys"/>, <see cref="SqliteInstanceKeys"/>), for <see cref="SqliteBatchWriter"/>, in its transaction. Not thread-safe.
/// </summary>
/// <remarks>
/// <see cref="RowsPerInsert"/> events go in one statement (one prepared multi-row INSERT, driven through
/// SQLitePCLRaw by <see cref="RawStatement"/>): SQLite opens its cursors on the table and its five indexes once per
/// statement rather than once per event, and a cursor left at the end of an index inserts the next key there without
/// a seek from the root. The rest of a request goes one event per statement. The multi-row statement ignores rows
/// that break a constraint (<see cref="SqliteSchema.InsertEvents"/>), so it runs only with ids known to be free:
/// above the largest id in the table (the usual case: events arrive in time order), else checked by one query; when
/// one is taken (2^20 events apart, a busy millisecond), its events go one by one, where a taken id is replaced.
/// A row then missing was a known (instance id, sequence).
/// </remarks>
internal sealed class SqliteEventRows : IDisposable
{
    /// <summary>Events per multi-row statement (<see cref="SqliteSchema.InsertColumns"/> parameters each).</summary>
    public const int RowsPerInsert = 32;

    private const int Columns = SqliteSchema.InsertColumns;
    private const int SqlitePrimaryKeyConstraint = 1555;

    private readonly RawStatement _insertOne;
    private readonly RawStatement _insertMany;
    private readonly RawStatement _countTaken;
    private readonly RawStatement _countOneTaken;
    private readonly SqliteCommand _lastIdBelow;
    private readonly SqliteCommand _upsertSpill;
    private readonly SqliteNameKeys _apps;
    private readonly SqliteNameKeys _versions;
    private readonly SqliteNameKeys _users;
    private readonly SqliteNameKeys _machines;
    private readonly SqliteNameKeys _paths;
    private readonly SqliteNameKeys _categories;
    private readonly SqliteNameKeys _templates;
    private readonly SqliteInstanceKeys _instances;
    private readonly SqliteNameKeys[] _names;
    private readonly Dictionary<long, long> _fullUntil = [];
    private long[] _ids = new long[RowsPerInsert];
    private long _counter;
    private long _maxId;
    private long _spillMilliseconds;

    /// <summary>Whether an event of the current request took an id of a later millisecond (<see cref="NoteSpill"/>).</summary>
    private bool _spilled;

    public SqliteEventRows(SqliteConnection connection)
    {
        _insertOne = new RawStatement(connection, SqliteSchema.InsertEvents(1));
        _insertMany = new RawStatement(connection, SqliteSchema.InsertEvents(RowsPerInsert));
        _countTaken = new RawStatement(connection, SqliteSchema.CountTakenIds(RowsPerInsert));
        _countOneTaken = new RawStatement(connection, SqliteSchema.CountTakenIds(1));
        _lastIdBelow = SqliteCommands.Prepare(connection, SqliteSchema.LastIdBelow, "$end");
        _upsertSpill = SqliteCommands.Prepare(connection, SqliteSchema.UpsertSpill, "$ms");
        _names =
        [
            _apps = new SqliteNameKeys(connection, "apps"),
            _versions = new SqliteNameKeys(connection, "versions"),
            _users = new SqliteNameKeys(connection, "user_names"),
            _machines = new SqliteNameKeys(connection, "machines"),
            _paths = new SqliteNameKeys(connection, "paths"),
            _categories = new SqliteNameKeys(connection, "categories"),
            _templates = new SqliteNameKeys(connection, "templates"),
        ];
        _instances = new SqliteInstanceKeys(connection);
        using var last = connection.CreateCommand();
        last.CommandText = SqliteSchema.LastCounter;
        _maxId = last.ExecuteScalar() is long id ? id : -1;
        _counter = (_maxId & SqliteEventIds.CounterMask) + 1;
        last.CommandText = SqliteSchema.SelectSpill;
        _spillMilliseconds = (long)last.ExecuteScalar()!;
    }

    /// <summary>Gets how many milliseconds after its own an event's id may lie (see <see cref="SqliteEventIds"/>); it only grows.</summary>
    public long SpillMilliseconds => Volatile.Read(ref _spillMilliseconds);

    /// <summary>Sets the transaction the statements run in (the writer's group commit).</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _lastIdBelow.Transaction = transaction;
        _upsertSpill.Transaction = transaction;
        foreach (var names in _names)
        {
            names.Enlist(transaction);
        }

        _instances.Enlist(transaction);
    }

    /// <summary>Forgets the names' keys, after a rollback (see <see cref="SqliteNameKeys"/>).</summary>
    public void ForgetKeys()
    {
        foreach (var names in _names)
        {
            names.Forget();
        }

        _instances.Forget();
    }

    /// <summary>
    /// Inserts the events and returns the id of each, in their order, or -1 for an event not stored because its
    /// (instance id, sequence) is known. Their instances' <c>last_id</c> is raised first, once per instance
    /// (<see cref="SqliteInstanceKeys"/>). The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<long> Insert(IReadOnlyList<NewEvent> events, long receivedTicks)
    {
        if (_ids.Length < events.Count)
        {
            _ids = new long[Math.Max(events.Count, 2 * _ids.Length)];
        }

        _instances.Reserve(events);
        _spilled = false;
        var i = 0;
        for (; events.Count - i >= RowsPerInsert; i += RowsPerInsert)
        {
            InsertMany(events, i, receivedTicks);
        }

        for (; i < events.Count; i++)
        {
            _ids[i] = InsertOne(events[i], receivedTicks);
        }

        if (_spilled)
        {
            _instances.RaiseTo(events, _ids.AsSpan(0, events.Count));
        }

        return _ids.AsSpan(0, events.Count);
    }

    /// <summary>Events <paramref name="first"/> to <paramref name="first"/> + <see cref="RowsPerInsert"/> in one statement.</summary>
    private void InsertMany(IReadOnlyList<NewEvent> events, int first, long receivedTicks)
    {
        var above = true;
        var maxId = _maxId;
        for (var row = 0; row < RowsPerInsert; row++)
        {
            var id = SqliteEventIds.Create(Math.Max(0, SqliteEventIds.Milliseconds(events[first + row].Timestamp)), _counter++);
            _ids[first + row] = id;
            above &= id > _maxId;
            maxId = Math.Max(maxId, id);
        }

        if (!above)
        {
            for (var row = 0; row < RowsPerInsert; row++)
            {
                _countTaken.Bind(row + 1, _ids[first + row]);
            }

            if (_countTaken.Scalar() > 0)
            {
                for (var row = first; row < first + RowsPerInsert; row++)
                {
                    _ids[row] = InsertOne(events[row], receivedTicks);
                }

                return;
            }
        }

        for (var row = 0; row < RowsPerInsert; row++)
        {
            Bind(_insertMany, row * Columns, _ids[first + row], events[first + row], receivedTicks);
        }

        var changed = _insertMany.Execute(0);
        _maxId = maxId;
        if (changed == RowsPerInsert)
        {
            return;
        }

        // Some (instance id, sequence) were known: the ids were free, so an id now in the table is an event stored here.
        for (var row = first; row < first + RowsPerInsert; row++)
        {
            _countOneTaken.Bind(1, _ids[row]);
            if (_countOneTaken.Scalar() == 0)
            {
                _ids[row] = -1;
            }
        }
    }

    /// <summary>
    /// Inserts with the next id and returns it, or -1 when (instance id, sequence) was known. The running
    /// counter's slot in the event's millisecond is nearly always free; when it is taken (2^20 events
    /// apart, or a busy millisecond), the id after the last one taken in that millisecond is used, and when
    /// the millisecond is full, the next millisecond with room (issue 15 §5): ids never collide.
    /// </summary>
    private long InsertOne(NewEvent e, long receivedTicks)
    {
        var ms = Math.Max(0, SqliteEventIds.Milliseconds(e.Timestamp));
        var id = SqliteEventIds.Create(ms, _counter++);
        Bind(_insertOne, 0, id, e, receivedTicks);
        var changed = _insertOne.Execute(SqlitePrimaryKeyConstraint);
        if (changed < 0)
        {
            id = FreeIdFrom(ms);
            _counter = (id & SqliteEventIds.CounterMask) + 1; // the next events of this millisecond follow on
            _insertOne.Bind(1, id);
            changed = _insertOne.Execute(0); // free by construction: a collision now is a defect, and throws
        }

        _maxId = Math.Max(_maxId, id);

        return changed == 1 ? id : -1;
    }

    /// <summary>
    /// Binds one row's parameters, numbered after <paramref name="offset"/> in the column order of
    /// <see cref="SqliteSchema.InsertEvents"/>. The category and the template go as keys of their tables of names
    /// (schema version 9: a request's events share a few of each, and a row held them as text): a template that is
    /// its message (no holes, or an interpolated string) is not a kind worth a name each — key 0 says "the message",
    /// and no text is stored twice. The text columns stay for the rows written before.
    /// </summary>
    private void Bind(RawStatement p, int offset, long id, NewEvent e, long receivedTicks)
    {
        p.Bind(offset + 1, id);
        p.Bind(offset + 2, e.Timestamp.UtcTicks);
        p.Bind(offset + 3, (long)e.Level);
        p.Bind(offset + 4, _apps.KeyOf(e.App));
        p.Bind(offset + 5, _versions.KeyOf(e.Version));
        p.Bind(offset + 6, _users.KeyOf(e.User));
        p.Bind(offset + 7, _machines.KeyOf(e.Machine));
        p.Bind(offset + 8, _paths.KeyOf(e.Path));
        p.Bind(offset + 9, _instances.KeyOf(e.InstanceId));
        p.Bind(offset + 10, e.Sequence);
        p.Bind(offset + 11, receivedTicks);
        p.Bind(offset + 12, (string?)null);
        p.Bind(offset + 13, e.Message);
        p.Bind(offset + 14, (string?)null);
        p.Bind(offset + 15, e.ExceptionJson);
        p.Bind(offset + 16, e.PropertiesJson);
        p.Bind(offset + 17, e.ContextJson);
        p.Bind(offset + 18, e.TraceId);
        p.Bind(offset + 19, _categories.KeyOf(e.Category));
        p.Bind(offset + 20, e.Template is null ? null : string.Equals(e.Template, e.Message, StringComparison.Ordinal) ? SqliteTemplateKeys.Message : _templates.KeyOf(e.Template));
    }

    /// <summary>The id after the last one taken in millisecond <paramref name="ms"/>, or in the first later one with room.</summary>
    private long FreeIdFrom(long ms)
    {
        var bucket = _fullUntil.TryGetValue(ms, out var known) ? known : ms;
        while (true)
        {
            var end = bucket >= SqliteEventIds.MaxMilliseconds ? long.MaxValue : SqliteEventIds.Create(bucket + 1, 0);
            _lastIdBelow.Parameters[0].Value = end;
            var last = _lastIdBelow.ExecuteScalar() is long taken ? taken : -1;
            var start = SqliteEventIds.Create(bucket, 0);
            if (last < start)
            {
                return NoteSpill(ms, bucket, start);
            }

            if (last < end - 1)
            {
                return NoteSpill(ms, bucket, last + 1);
            }

            bucket++; // full: 2^20 ids
        }
    }

    private long NoteSpill(long ms, long bucket, long id)
    {
        if (bucket == ms)
        {
            return id;
        }

        _spilled = true;
        if (_fullUntil.Count >= 4096)
        {
            _fullUntil.Clear();
        }

        _fullUntil[ms] = bucket;
        if (bucket - ms > _spillMilliseconds)
        {
            // Published before the commit: a wider id bound than needed is only slower, never wrong.
            Volatile.Write(ref _spillMilliseconds, bucket - ms);
            _upsertSpill.Parameters[0].Value = bucket - ms;
            _upsertSpill.ExecuteNonQuery();
        }

        return id;
    }

    public void Dispose()
    {
        _insertOne.Dispose();
        _insertMany.Dispose();
        _countTaken.Dispose();
        _countOneTaken.Dispose();
        _lastIdBelow.Dispose();
        _upsertSpill.Dispose();
        foreach (var names in _names)
        {
            names.Dispose();
        }

        _instances.Dispose();
    }
}
