namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>A request waiting for the writer loop; completed once its transaction has committed.</summary>
internal sealed class PendingAppend(EventBatch batch)
{
    public EventBatch Batch { get; } = batch;

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
