namespace ThreadedLogging;

/// <summary>
/// Where a <see cref="ThreadedHandler"/> sends its batches. Called only from the handler's worker,
/// one batch at a time. An exception thrown by <see cref="SendAsync"/> counts as a transient failure.
/// </summary>
public interface ILogBatchSink
{
    /// <summary>Sends one batch.</summary>
    /// <param name="batch">The events to send, oldest first.</param>
    /// <param name="cancellationToken">Cancelled when the handler's shutdown budget is spent.</param>
    /// <returns>What happened to the batch; the handler retries, splits or drops accordingly.</returns>
    ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken);
}
