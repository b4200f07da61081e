namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Erasure of a user (<see cref="IUserErasure"/>, <see cref="SqliteUserErasure"/>): each chunk runs between two group
/// commits of the writer (<see cref="_writerGate"/>), so ingest waits at most one chunk and goes on between them, and
/// the last chunk's deleted names and the writer's keys of names (<see cref="SqliteBatchWriter.ForgetNameKeys"/>) change
/// together: the writer never stores an event under an erased user's key. Retention's chunks run the same way
/// (<see cref="BetweenGroupCommits"/>), as they delete the names only their events had (<see cref="SqliteNamePrune"/>).
/// </summary>
internal sealed partial class SqliteEventStore
{
    /// <summary>Held by the writer loop around each group commit, and by an erasure around each chunk.</summary>
    private readonly Lock _writerGate = new();

    /// <summary>Gets or sets how an erasure cuts its work (tests: a small chunk and a step between chunks).</summary>
    internal ErasureChunking ErasureChunking { get; set; } = ErasureChunking.Default;

    /// <summary>Gets a step run after a chunk's events are committed and before its index entries are deleted (tests: a crash there).</summary>
    internal Action? AfterErasureChunk { get; init; }

    public async Task<long> EraseUserAsync(string user, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var chunking = ErasureChunking;
        using var erasure = await Task.Run(() => new SqliteUserErasure(DatabasePath, FullTextPath, WalBytes), cancellationToken);
        await Task.Run(erasure.PurgePending, cancellationToken); // what a stopped erasure left
        long erased = 0;
        while (true)
        {
            if (_disposed || Volatile.Read(ref _writer) is not { } writer || _fts is not { } fts)
            {
                throw EventStoreUnavailableException.NotOpen(closing: _disposed);
            }

            var (events, last, committedSeq) = await Task.Run(() => EraseChunk(erasure, writer, user, chunking.Events), cancellationToken);
            erased += events;
            if (events > 0)
            {
                AfterErasureChunk?.Invoke();
                // The indexer may not have indexed those events yet (they are in a group it has not committed):
                // deleting their entries before it does would leave them in the index for good.
                await fts.WaitForAsync(committedSeq, cancellationToken);
                await Task.Run(erasure.PurgePending, cancellationToken);
            }

            if (last)
            {
                await Task.Run(erasure.TruncateWal, cancellationToken);
                return erased;
            }

            if (chunking.BetweenChunks is { } between)
            {
                await between();
            }
        }
    }

    private (int Events, bool Last, long CommittedSeq) EraseChunk(SqliteUserErasure erasure, SqliteBatchWriter writer, string user, int limit)
    {
        lock (_writerGate)
        {
            var (events, last, names) = erasure.EraseChunk(user, limit);
            ForgetNames(writer, names);
            return (events, last, writer.CommittedSeq);
        }
    }

    /// <summary>
    /// Runs a retention chunk's transaction between two group commits (<see cref="SqliteRetention.DeletedChunk"/>), and has the
    /// writer forget the names it deleted: the writer never stores an event under a pruned template's or category's key.
    /// </summary>
    private SqliteRetention.DeletedChunk BetweenGroupCommits(Func<SqliteRetention.DeletedChunk> chunk)
    {
        lock (_writerGate)
        {
            var deleted = chunk();
            if (Volatile.Read(ref _writer) is { } writer)
            {
                ForgetNames(writer, deleted.Names);
            }

            return deleted;
        }
    }

    /// <summary>Forgets deleted names: the writer's keys of every name (looked up again), and the readers' names of these keys.</summary>
    private void ForgetNames(SqliteBatchWriter writer, List<(int Table, long Key)> names)
    {
        if (names.Count > 0)
        {
            writer.ForgetNameKeys();
            foreach (var (table, key) in names)
            {
                _names.Forget(table, key);
            }
        }
    }

    /// <summary>Deletes the full-text entries of events an erasure deleted before a stop (<c>fts_erase</c>).</summary>
    private void CatchUpErasures()
    {
        using var erasure = new SqliteUserErasure(DatabasePath, FullTextPath, WalBytes);
        erasure.PurgePending();
    }
}
