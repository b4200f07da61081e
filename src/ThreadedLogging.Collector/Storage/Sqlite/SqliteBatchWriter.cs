using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Owns the writer connection and its prepared commands, reused by every batch. Not thread-safe:
/// only <see cref="SqliteEventStore"/>'s writer loop calls it. Each group commit gets a number
/// (<see cref="CommittedSeq"/>); its stored messages go to the <see cref="SqliteFtsIndexer"/> after the commit.
/// </summary>
internal sealed class SqliteBatchWriter : IDisposable
{
    private const int LevelCount = 6;

    private readonly SqliteConnection _connection;
    private readonly SqliteEventRows _rows;
    private readonly SqliteCommand _insertFtsQueue;
    private readonly SqliteCommand _deleteFtsQueue;
    private readonly SqliteFtsIndexer _fts;
    private readonly SqliteCommand _findBatch;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _upsertUser;
    private readonly Dictionary<string, UserTally> _tallies = new(StringComparer.Ordinal);
    private List<FtsText> _texts = [];
    private long _committedSeq;
    private long _queueCleanedTo;

    private readonly EventCommitFeed _feed;

    public SqliteBatchWriter(SqliteConnection connection, SqliteFtsIndexer fts, long committedSeq, EventCommitFeed feed)
    {
        _connection = connection;
        _fts = fts;
        _feed = feed;
        _committedSeq = committedSeq;
        _queueCleanedTo = -1; // the first group deletes what an earlier run left indexed
        _rows = new SqliteEventRows(connection);
        _insertFtsQueue = SqliteCommands.Prepare(_connection, SqliteSchema.InsertFtsQueue, "$seq", "$ids");
        _deleteFtsQueue = SqliteCommands.Prepare(_connection, SqliteSchema.DeleteFtsQueue, "$seq");
        _findBatch = SqliteCommands.Prepare(_connection, SqliteSchema.FindBatch, "$key");
        _insertBatch = SqliteCommands.Prepare(_connection, SqliteSchema.InsertBatch, "$key", "$accepted", "$received");
        _upsertUser = SqliteCommands.Prepare(_connection, SqliteSchema.UpsertUser,
            "$user", "$first", "$last", "$app", "$machine", "$total", "$n0", "$n1", "$n2", "$n3", "$n4", "$n5", "$error_id", "$error_ts");
    }

    /// <summary>Gets how many milliseconds after its own an event's id may lie (see <see cref="SqliteEventIds"/>); it only grows.</summary>
    public long SpillMilliseconds => _rows.SpillMilliseconds;

    /// <summary>Gets or sets a step run before each request of a group is stored (tests: a fault nothing real makes on demand).</summary>
    internal Action<EventBatch>? BeforeAppend { get; set; }

    /// <summary>
    /// Stores a group of requests in one transaction (group commit), each inside its own savepoint so
    /// that a request that fails with SQLite's error is undone alone. A request that fails otherwise (an
    /// exception nothing expects, after which the writer's state is not trusted) rolls the whole group back,
    /// and each request is then stored alone, in its own transaction, so only that one fails. Results are
    /// in the order of <paramref name="group"/>: each request's completion gets its <see cref="AppendResult"/>
    /// or its exception. If the commit itself fails, every request of the group fails with it (thrown).
    /// </summary>
    public void AppendGroup(IReadOnlyList<PendingAppend> group, long receivedTicks)
    {
        AppendResult[] results;
        Exception?[] failures;
        long seq;
        try
        {
            (results, failures, seq) = Commit(group, receivedTicks);
        }
        catch (RequestFailedException)
        {
            // Nothing of the group was committed: each request again, alone; only the one that fails gets its exception.
            _rows.ForgetKeys();
            foreach (var pending in group)
            {
                try
                {
                    AppendGroup([pending], receivedTicks);
                }
                catch (Exception e)
                {
                    pending.Completion.TrySetException(e);
                }
            }

            return;
        }
        catch
        {
            _rows.ForgetKeys(); // nothing of the group was committed, the names it added neither
            throw;
        }

        // Acknowledge first: the events are durable. Handing over to the indexer may wait when it is far behind.
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

        if (_texts.Count > 0)
        {
            var ids = new long[_texts.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = _texts[i].Id;
            }

            _feed.Publish(ids);
            _fts.Enqueue(seq, _texts);
            _texts = [];
        }
    }

    private (AppendResult[] Results, Exception?[] Failures, long Seq) Commit(IReadOnlyList<PendingAppend> group, long receivedTicks)
    {
        using var transaction = _connection.BeginTransaction();
        _rows.Enlist(transaction);
        _insertFtsQueue.Transaction = transaction;
        _deleteFtsQueue.Transaction = transaction;
        _findBatch.Transaction = transaction;
        _insertBatch.Transaction = transaction;
        _upsertUser.Transaction = transaction;
        var single = group.Count == 1;
        var results = new AppendResult[group.Count];
        var failures = new Exception?[group.Count];
        _texts.Clear();

        // Sized once for the group (the list goes to the indexer, so a new one each group): grown by doubling, it
        // allocated about twice its final size, ~80 of the writer's ~110 bytes per event.
        var events = 0;
        for (var i = 0; i < group.Count; i++)
        {
            events += group[i].Batch.Events.Count;
        }

        _texts.EnsureCapacity(events);
        for (var i = 0; i < group.Count; i++)
        {
            var textsBefore = _texts.Count;
            if (!single)
            {
                transaction.Save("request");
            }

            try
            {
                BeforeAppend?.Invoke(group[i].Batch);
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
                _texts.RemoveRange(textsBefore, _texts.Count - textsBefore);
                _rows.ForgetKeys();
                failures[i] = e;
            }
            catch (Exception e) when (!single)
            {
                // Any other exception: the transaction is rolled back (disposed uncommitted) and AppendGroup stores
                // the requests one by one, so this one's fault is not given to the others.
                throw new RequestFailedException(e);
            }
        }

        var seq = _committedSeq + 1;
        if (_texts.Count > 0)
        {
            _insertFtsQueue.Parameters[0].Value = seq;
            _insertFtsQueue.Parameters[1].Value = SqliteFtsIndexer.PackIds(_texts);
            _insertFtsQueue.ExecuteNonQuery();
        }

        ForgetIndexedGroups();
        transaction.Commit();
        if (_texts.Count > 0)
        {
            Volatile.Write(ref _committedSeq, seq);
        }

        return (results, failures, seq);
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
        var stored = 0;
        var ids = _rows.Insert(batch.Events, receivedTicks);
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] >= 0)
            {
                var e = batch.Events[i];
                stored++;
                Tally(e, ids[i]);
                _texts.Add(new FtsText(ids[i], e.Message, e.ExceptionJson, e.PropertiesJson, e.ContextJson));
            }
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

            u[12].Value = tally.ErrorTicks is null ? DBNull.Value : tally.ErrorId;
            u[13].Value = (object?)tally.ErrorTicks ?? DBNull.Value;

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

    /// <summary>The last group commit that stored messages: a query for words waits until the index has it.</summary>
    public long CommittedSeq => Volatile.Read(ref _committedSeq);

    /// <summary>Deletes the <c>fts_queue</c> rows of groups the indexer has committed (in the group's transaction).</summary>
    private void ForgetIndexedGroups()
    {
        var indexed = _fts.IndexedSeq;
        if (indexed > _queueCleanedTo)
        {
            _deleteFtsQueue.Parameters[0].Value = indexed;
            _deleteFtsQueue.ExecuteNonQuery();
            _queueCleanedTo = indexed;
        }
    }

    /// <summary>Gets the writer's connection (tests: <c>PRAGMA max_page_count</c> on it makes SQLite refuse writes as a full disk does).</summary>
    internal SqliteConnection Connection => _connection;

    /// <summary>Forgets the names' keys held in memory (an erasure deleted names: they are looked up, or added, again).</summary>
    public void ForgetNameKeys() => _rows.ForgetKeys();

    public void Dispose()
    {
        _rows.Dispose();
        _insertFtsQueue.Dispose();
        _deleteFtsQueue.Dispose();
        _findBatch.Dispose();
        _insertBatch.Dispose();
        _upsertUser.Dispose();
        _connection.Dispose();
    }

    private void Tally(NewEvent e, long id)
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

        if (e.Level >= LogLevel.Error && e.Level != LogLevel.None && (tally.ErrorTicks is not { } errorTicks || ticks >= errorTicks))
        {
            tally.ErrorTicks = ticks;
            tally.ErrorId = id;
        }

        tally.Total++;
        tally.Counts[Math.Clamp((int)e.Level, 0, LevelCount - 1)]++;
    }

    /// <summary>A request of a group failed with an exception other than SQLite's own: the group is stored again request by request.</summary>
    private sealed class RequestFailedException(Exception inner) : Exception(inner.Message, inner);

    private sealed class UserTally
    {
        public long First { get; set; }

        public long Last { get; set; }

        public string? LastApp { get; set; }

        public string? LastMachine { get; set; }

        public long Total { get; set; }

        /// <summary>Gets or sets the timestamp of the latest Error or Critical event of the batch, or null.</summary>
        public long? ErrorTicks { get; set; }

        public long ErrorId { get; set; }

        public long[] Counts { get; } = new long[LevelCount];
    }
}
