using System.Collections.Concurrent;

namespace ThreadedLogging.Tests.Support;

/// <summary>
/// A sink that records batches. <see cref="Gate"/> holds every send until opened (fault injection:
/// a transport that hangs); <see cref="Decide"/> lets a test answer with failures.
/// </summary>
public sealed class CollectingSink : ILogBatchSink
{
    private readonly ConcurrentQueue<LogBatch> _batches = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Func<LogBatch, SendResult> Decide { get; set; } = _ => SendResult.Success;

    public IReadOnlyList<LogBatch> Batches => [.. _batches];

    /// <summary>Events of the batches that were accepted, in delivery order, without the handler's own notices.</summary>
    public IReadOnlyList<LogEvent> Delivered => [.. _batches.SelectMany(b => b.Events).Where(e => e.Category != "ThreadedLogging")];

    public IReadOnlyList<LogEvent> Notices => [.. _batches.SelectMany(b => b.Events).Where(e => e.Category == "ThreadedLogging")];

    public CollectingSink Open()
    {
        Gate.TrySetResult();
        return this;
    }

    public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        SendStarted.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
        var result = Decide(batch);
        if (result.Outcome == SendOutcome.Sent)
        {
            _batches.Enqueue(new LogBatch(batch.Id, [.. batch.Events], batch.Identity));
            _arrived.Release();
        }

        return result;
    }

    public async Task WaitForBatchesAsync(int count)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_batches.Count < count)
        {
            await _arrived.WaitAsync(cancel.Token);
        }
    }
}
