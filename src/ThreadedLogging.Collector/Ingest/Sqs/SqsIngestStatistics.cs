namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>A snapshot of the SQS ingest counters, as <c>GET /api/ingest/sqs</c> shows them.</summary>
internal sealed record SqsIngestSnapshot(
    long Received,
    long Stored,
    long EventsStored,
    long Duplicates,
    long Poison,
    long Deleted,
    long Expired,
    long Overloaded,
    long Errors,
    string? LastError);

/// <summary>The counters of every queue's receivers, and a way to wait until they reach a state (tests, no sleeping).</summary>
internal sealed class SqsIngestStatistics
{
    private readonly Lock _lock = new();
    private readonly List<(Func<SqsIngestSnapshot, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private long _received;
    private long _stored;
    private long _eventsStored;
    private long _duplicates;
    private long _poison;
    private long _deleted;
    private long _expired;
    private long _overloaded;
    private long _errors;
    private string? _lastError;

    public SqsIngestSnapshot Snapshot()
    {
        lock (_lock)
        {
            return Current();
        }
    }

    public void Received(int messages) => Update(() => _received += messages);

    public void Stored(int events, bool duplicate) => Update(() =>
    {
        if (duplicate)
        {
            _duplicates++;
        }
        else
        {
            _stored++;
            _eventsStored += events;
        }
    });

    public void Poisoned() => Update(() => _poison++);

    public void Deleted(int messages) => Update(() => _deleted += messages);

    public void Expired(int messages) => Update(() => _expired += messages);

    /// <summary>Counts a message left in the queue because its bytes did not fit <c>Collector:MaxReceivingBytes</c>.</summary>
    public void Overloaded() => Update(() => _overloaded++);

    public void Error(string error) => Update(() =>
    {
        _errors++;
        _lastError = error;
    });

    /// <summary>Completes when <paramref name="condition"/> holds for the counters.</summary>
    public Task WaitAsync(Func<SqsIngestSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(Current()))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private SqsIngestSnapshot Current() => new(_received, _stored, _eventsStored, _duplicates, _poison, _deleted, _expired, _overloaded, _errors, _lastError);

    private void Update(Action change)
    {
        lock (_lock)
        {
            change();
            if (_waiters.Count == 0)
            {
                return;
            }

            var now = Current();
            _waiters.RemoveAll(w =>
            {
                if (!w.Condition(now))
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }
}
