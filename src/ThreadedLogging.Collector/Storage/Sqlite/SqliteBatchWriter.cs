using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Owns the writer connection and its prepared commands, reused by every batch. Not thread-safe:
/// only <see cref="SqliteEventStore"/>'s writer loop calls it.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    private const int LevelCount = 6;
    private const int SqlitePrimaryKeyConstraint = 1555;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _insertText;
    private readonly SqliteCommand _findBatch;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _upsertUser;
    private readonly SqliteParameter[] _eventParameters;
    private readonly Dictionary<string, UserTally> _tallies = new(StringComparer.Ordinal);
    private readonly List<(long Id, string Message)> _texts = [];
    private long _counter;

    public SqliteBatchWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insertEvent = Prepare(SqliteSchema.InsertEvent,
            "$id", "$ts", "$level", "$category", "$message", "$template", "$exception", "$properties", "$context",
            "$app", "$version", "$user", "$machine", "$path", "$instance_id", "$sequence", "$received");
        _eventParameters = [.. _insertEvent.Parameters.Cast<SqliteParameter>()];
        _insertText = Prepare(SqliteSchema.InsertText, "$id", "$message");
        _findBatch = Prepare(SqliteSchema.FindBatch, "$key");
        _insertBatch = Prepare(SqliteSchema.InsertBatch, "$key", "$accepted", "$received");
        _upsertUser = Prepare(SqliteSchema.UpsertUser,
            "$user", "$first", "$last", "$app", "$machine", "$total", "$n0", "$n1", "$n2", "$n3", "$n4", "$n5");
        using var last = _connection.CreateCommand();
        last.CommandText = SqliteSchema.LastCounter;
        _counter = last.ExecuteScalar() is long id ? (id & SqliteEventIds.CounterMask) + 1 : 0;
    }

    /// <summary>
    /// Stores a group of requests in one transaction (group commit), each inside its own savepoint so
    /// that a request that fails is undone alone. Results are in the order of <paramref name="group"/>:
    /// an <see cref="AppendResult"/> or the exception of that request. If the commit itself fails,
    /// every request of the group fails with it.
    /// </summary>
    public void AppendGroup(IReadOnlyList<PendingAppend> group, long receivedTicks)
    {
        using var transaction = _connection.BeginTransaction();
        _insertEvent.Transaction = transaction;
        _insertText.Transaction = transaction;
        _findBatch.Transaction = transaction;
        _insertBatch.Transaction = transaction;
        _upsertUser.Transaction = transaction;
        var single = group.Count == 1;
        var results = new AppendResult[group.Count];
        var failures = new Exception?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            if (!single)
            {
                transaction.Save("request");
            }

            try
            {
                results[i] = Append(group[i].Batch, receivedTicks);
                if (!single)
                {
                    transaction.Release("request");
                }
            }
            catch (Exception e) when (!single && e is SqliteException or InvalidOperationException)
            {
                transaction.Rollback("request");
                transaction.Release("request");
                failures[i] = e;
            }
        }

        transaction.Commit();
        for (var i = 0; i < group.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                group[i].Completion.TrySetException(failure);
            }
            else
            {
                group[i].Completion.TrySetResult(results[i]);
            }
        }
    }

    private AppendResult Append(EventBatch batch, long receivedTicks)
    {
        if (batch.BatchKey is { } key)
        {
            _findBatch.Parameters[0].Value = key;
            if (_findBatch.ExecuteScalar() is long accepted)
            {
                return new AppendResult((int)accepted, 0, Duplicate: true);
            }
        }

        _tallies.Clear();
        _texts.Clear();
        var stored = 0;
        var p = _eventParameters;
        foreach (var e in batch.Events)
        {
            p[1].Value = e.Timestamp.UtcTicks;
            p[2].Value = (int)e.Level;
            p[3].Value = (object?)e.Category ?? DBNull.Value;
            p[4].Value = e.Message;
            p[5].Value = (object?)e.Template ?? DBNull.Value;
            p[6].Value = (object?)e.ExceptionJson ?? DBNull.Value;
            p[7].Value = (object?)e.PropertiesJson ?? DBNull.Value;
            p[8].Value = (object?)e.ContextJson ?? DBNull.Value;
            p[9].Value = (object?)e.App ?? DBNull.Value;
            p[10].Value = (object?)e.Version ?? DBNull.Value;
            p[11].Value = (object?)e.User ?? DBNull.Value;
            p[12].Value = (object?)e.Machine ?? DBNull.Value;
            p[13].Value = (object?)e.Path ?? DBNull.Value;
            p[14].Value = (object?)e.InstanceId ?? DBNull.Value;
            p[15].Value = e.Sequence is { } sequence ? sequence : DBNull.Value;
            p[16].Value = receivedTicks;
            if (Insert(e.Timestamp) is { } id)
            {
                stored++;
                Tally(e);
                _texts.Add((id, e.Message));
            }
        }

        foreach (var (id, message) in _texts)
        {
            _insertText.Parameters[0].Value = id;
            _insertText.Parameters[1].Value = message;
            _insertText.ExecuteNonQuery();
        }

        foreach (var (user, tally) in _tallies)
        {
            var u = _upsertUser.Parameters;
            u[0].Value = user;
            u[1].Value = tally.First;
            u[2].Value = tally.Last;
            u[3].Value = (object?)tally.LastApp ?? DBNull.Value;
            u[4].Value = (object?)tally.LastMachine ?? DBNull.Value;
            u[5].Value = tally.Total;
            for (var level = 0; level < LevelCount; level++)
            {
                u[6 + level].Value = tally.Counts[level];
            }

            _upsertUser.ExecuteNonQuery();
        }

        if (batch.BatchKey is { } batchKey)
        {
            _insertBatch.Parameters[0].Value = batchKey;
            _insertBatch.Parameters[1].Value = batch.Events.Count;
            _insertBatch.Parameters[2].Value = receivedTicks;
            _insertBatch.ExecuteNonQuery();
        }

        return new AppendResult(batch.Events.Count, stored, Duplicate: false);
    }

    /// <summary>
    /// Inserts with the next id and returns it, or null when (instance id, sequence) was known. Two events of the same millisecond get the same id only 2^20 events
    /// apart; then the primary key refuses it and the next counter value is tried (the failed statement
    /// is undone alone, the transaction goes on).
    /// </summary>
    private long? Insert(DateTimeOffset timestamp)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = SqliteEventIds.Create(timestamp, _counter++);
            _eventParameters[0].Value = id;
            try
            {
                return _insertEvent.ExecuteNonQuery() == 1 ? id : null;
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqlitePrimaryKeyConstraint && attempt < 64)
            {
            }
        }
    }

    public void Dispose()
    {
        _insertEvent.Dispose();
        _insertText.Dispose();
        _findBatch.Dispose();
        _insertBatch.Dispose();
        _upsertUser.Dispose();
        _connection.Dispose();
    }

    private void Tally(NewEvent e)
    {
        var user = e.User ?? string.Empty;
        if (!_tallies.TryGetValue(user, out var tally))
        {
            tally = new UserTally { First = long.MaxValue, Last = long.MinValue };
            _tallies[user] = tally;
        }

        var ticks = e.Timestamp.UtcTicks;
        tally.First = Math.Min(tally.First, ticks);
        if (ticks >= tally.Last)
        {
            tally.Last = ticks;
            tally.LastApp = e.App;
            tally.LastMachine = e.Machine;
        }

        tally.Total++;
        tally.Counts[Math.Clamp((int)e.Level, 0, LevelCount - 1)]++;
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private sealed class UserTally
    {
        public long First { get; set; }

        public long Last { get; set; }

        public string? LastApp { get; set; }

        public string? LastMachine { get; set; }

        public long Total { get; set; }

        public long[] Counts { get; } = new long[LevelCount];
    }
}
