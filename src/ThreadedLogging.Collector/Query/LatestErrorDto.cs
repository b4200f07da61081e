namespace ThreadedLogging.Collector.Query;

/// <summary>A user's latest error, as the users list shows it (the whole event is at <c>/api/events/{id}</c>).</summary>
internal sealed record LatestErrorDto(long Id, DateTimeOffset Timestamp, string Level, string Message, string? ExceptionType);
