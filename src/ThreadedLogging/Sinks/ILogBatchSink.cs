namespace ThreadedLogging;

/// <summary>
/// Where a <see cref="ThreadedHandler"/> sends its batches. Called only from the handler's worker,
/// one batch at a time. An exception thrown by <see cref="SendAsync"/> is a failure: one of the network, a disk or
/// a timeout (<see cref="System.Net.Http.HttpRequestException"/>, <see cref="IOException"/>, <see cref="TimeoutException"/>,
/// a cancellation that is not the shutdown's) is transient and retried; any other is taken as one about the batch's
/// content: after 3 sends the batch is split to find the event the sink throws on, which is dropped alone (counted,
/// and said in the self-log and the EventSource) while the others are delivered.
/// </summary>
public interface ILogBatchSink
{
    /// <summary>Sends one batch.</summary>
    /// <param name="batch">The events to send, oldest first.</param>
    /// <param name="cancellationToken">Cancelled when the handler's shutdown budget is spent.</param>
    /// <returns>What happened to the batch; the handler retries, splits or drops accordingly.</returns>
    ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken);
}
