namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>What the full-text index holds of one event: its message, its exception, its properties and its context (JSON, or null).</summary>
internal readonly record struct FtsText(long Id, string Message, string? ExceptionJson, string? PropertiesJson = null, string? ContextJson = null)
{
    /// <summary>
    /// The WAL bytes indexing the event may take, for the size of a commit (<see cref="SqliteFtsIndexer.CommitBytes"/>):
    /// twice its texts' characters and 64 bytes. An estimate from lengths alone, as the events' writer makes
    /// (<see cref="PendingAppend.DiskBytesOf"/>). Measured (SQLite 3.53, merges apart): a commit's WAL took 0.05 (one word
    /// repeated) to 1.22 (random short words) times its texts, and ~27 bytes an event beside them (its size's row).
    /// </summary>
    public long IndexBytes => 64 + (2L * (Message.Length + (ExceptionJson?.Length ?? 0) + (PropertiesJson?.Length ?? 0) + (ContextJson?.Length ?? 0)));
}
