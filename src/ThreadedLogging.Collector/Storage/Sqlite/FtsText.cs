namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>What the full-text index holds of one event: its message, its exception, its properties and its context (JSON, or null).</summary>
internal readonly record struct FtsText(long Id, string Message, string? ExceptionJson, string? PropertiesJson = null, string? ContextJson = null);
