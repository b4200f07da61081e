namespace ThreadedLogging.Tests.Support;

/// <summary>
/// A transport that hangs and ignores cancellation until released, then fails (so what it held stays pending or spooled):
/// a disposal waiting on it abandons the worker.
/// </summary>
internal sealed class DeafSink : ILogBatchSink
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        SendStarted.TrySetResult();
        await _release.Task;
        return new SendResult(SendOutcome.Transient, Error: "released");
    }
}
