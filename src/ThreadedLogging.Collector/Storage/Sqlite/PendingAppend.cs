namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>A request waiting for the writer loop; completed once its transaction has committed.</summary>
internal sealed class PendingAppend(EventBatch batch)
{
    /// <summary>The bytes counted for each event beside its texts: the row's header, its names' keys, its indexes' entries.</summary>
    private const long EventOverheadBytes = 64;

    public EventBatch Batch { get; } = batch;

    /// <summary>Gets the disk bytes the request may take, <see cref="DiskBytesOf"/>, counted once.</summary>
    public long DiskBytes { get; } = DiskBytesOf(batch);

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The disk bytes a request may take while it is committed, for the reserve (<see cref="DiskReserve.Admit"/>) and a
    /// group commit's size: three times its texts' characters (each a byte, as most are): the rows, their copy in the
    /// write-ahead log until the checkpoint, and the full-text index. An estimate from lengths alone: the events are
    /// not read again.
    /// </summary>
    public static long DiskBytesOf(EventBatch batch)
    {
        long chars = 0;
        foreach (var e in batch.Events)
        {
            // The names (app, user, category, template, ...) are keys: their texts are stored once, not per event.
            chars += EventOverheadBytes + e.Message.Length + Length(e.ExceptionJson) + Length(e.PropertiesJson) + Length(e.ContextJson) + Length(e.TraceId);
        }

        return 3 * chars;
    }

    private static int Length(string? text) => text?.Length ?? 0;
}
