namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>What the full-text index holds of one event: its message and its exception (JSON, or null).</summary>
internal readonly record struct FtsText(long Id, string Message, string? ExceptionJson);
