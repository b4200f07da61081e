namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The ids of recently committed events in commit order, one group per commit: what the live stream
/// follows (<c>GET /api/events/stream</c>). Stores publish each commit after it is durable. Kept in
/// memory for the last <see cref="Capacity"/> commits: a reader further behind (or holding a position of
/// another run, see <see cref="Epoch"/>) starts again at the oldest kept.
/// </summary>
internal sealed class EventCommitFeed
{
    /// <summary>How many commits are kept. The default value is 4096.</summary>
    public const int Capacity = 4096;

    private readonly long[][] _ring = new long[Capacity][];
    private readonly Lock _gate = new();
    private long _last;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a value unique to this run: positions (commit numbers) of another run mean nothing here.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Gets the number of the last commit published (0 before the first).</summary>
    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Gets the number of the oldest commit still kept.</summary>
    public long Oldest
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(1, _last - Capacity + 1);
            }
        }
    }

    /// <summary>Publishes the ids stored by one commit (called after the commit, in commit order).</summary>
    public void Publish(long[] ids)
    {
        if (ids.Length == 0)
        {
            return;
        }

        TaskCompletionSource published;
        lock (_gate)
        {
            _last++;
            _ring[_last % Capacity] = ids;
            published = _published;
            _published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        published.TrySetResult();
    }

    /// <summary>Adds the commits after <paramref name="after"/> (up to <paramref name="maxCommits"/>) to <paramref name="into"/>, oldest first.</summary>
    public void Read(long after, int maxCommits, List<(long Commit, long[] Ids)> into)
    {
        lock (_gate)
        {
            var first = Math.Max(after + 1, Math.Max(1, _last - Capacity + 1));
            for (var commit = first; commit <= _last && into.Count < maxCommits; commit++)
            {
                into.Add((commit, _ring[commit % Capacity]));
            }
        }
    }

    /// <summary>Completes when a commit after <paramref name="after"/> is published.</summary>
    public Task WaitAsync(long after, CancellationToken cancellationToken)
    {
        Task published;
        lock (_gate)
        {
            if (_last > after)
            {
                return Task.CompletedTask;
            }

            published = _published.Task;
        }

        return published.WaitAsync(cancellationToken);
    }
}
