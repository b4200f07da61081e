namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>A request waiting for the writer loop; completed once its transaction has committed.</summary>
internal sealed class PendingAppend(EventBatch batch)
{
    /// <summary>
    /// The bytes counted for each event beside its texts: the row's header, its names' keys, its indexes' entries.
    /// Measured (collleft10, 16 KiB pages): an event of a 58-character message took about 1.1 KB — some 600 bytes of WAL
    /// at its commit, 320 in the events' file, 150 in the full-text file — where 64 here counted 370.
    /// </summary>
    private const long EventOverheadBytes = 256;

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
