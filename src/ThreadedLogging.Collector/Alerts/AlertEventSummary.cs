namespace ThreadedLogging.Collector.Alerts;

/// <summary>One of the matching events a notification carries: what the read API shows of it, the message cut short.</summary>
internal sealed record AlertEventSummary(long Id, DateTimeOffset Timestamp, string Level, string? User, string? App, string Message);
