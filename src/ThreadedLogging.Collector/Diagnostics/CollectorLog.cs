namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>The collector's own log messages (source-generated; fixed event ids).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(1, LogLevel.Information, "Event store opened at {DatabasePath}")]
    public static partial void StoreOpened(ILogger logger, string databasePath);

    [LoggerMessage(2, LogLevel.Debug, "Stored {Stored} of {Accepted} events from {Format} request to {Path} (batch {BatchKey})")]
    public static partial void BatchStored(ILogger logger, int stored, int accepted, string format, string path, string? batchKey);

    [LoggerMessage(3, LogLevel.Debug, "Batch {BatchKey} was stored before; acknowledged without storing it again")]
    public static partial void DuplicateBatch(ILogger logger, string? batchKey);

    [LoggerMessage(4, LogLevel.Information, "Rejected ingest request from {RemoteAddress} to {Path} with {StatusCode}: {Reason} ({Suppressed} more refusals {Whose} since the last such line, at most one a minute)")]
    public static partial void IngestRejected(ILogger logger, string remoteAddress, string path, int statusCode, string reason, long suppressed, string whose);

    [LoggerMessage(5, LogLevel.Warning, "The event store cannot take writes; answered 503, the client retries: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Ingest overloaded ({Pending} requests in progress): answered 429 ({Suppressed} more such answers since the last such line, at most one a minute)")]
    public static partial void IngestOverloaded(ILogger logger, int pending, long suppressed);

    [LoggerMessage(7, LogLevel.Error, "Writing the full-text index failed (attempt {Attempt}); retrying, the events themselves are stored")]
    public static partial void FullTextIndexFailed(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(8, LogLevel.Information, "Full-text index: indexed {Events} events committed before the last stop ({Mode})")]
    public static partial void FullTextIndexRepaired(ILogger logger, long events, string mode);

    [LoggerMessage(9, LogLevel.Warning, "The full-text index {Path} cannot be used; it is deleted and rebuilt from the events")]
    public static partial void FullTextIndexUnusable(ILogger logger, Exception exception, string path);

    [LoggerMessage(10, LogLevel.Information, "Support page: {Url}  (ingest at {Url}log/{{user}}, query API at {Url}api/events)")]
    public static partial void SupportPageAt(ILogger logger, string url);

    [LoggerMessage(11, LogLevel.Error, "Ingest of a {Format} request from {RemoteAddress} to {Path} failed unexpectedly; answered 500, nothing stored ({Suppressed} more failures {Whose} since the last such line, at most one a minute)")]
    public static partial void IngestFailed(ILogger logger, Exception exception, string format, string remoteAddress, string path, long suppressed, string whose);

    [LoggerMessage(19, LogLevel.Error, "A {Format} ingest request from {RemoteAddress} to {Path} failed unexpectedly outside the ingest runner; answered 500 in its format, maybe stored ({Suppressed} more failures {Whose} since the last such line, at most one a minute)")]
    public static partial void IngestEscaped(ILogger logger, Exception exception, string format, string remoteAddress, string path, long suppressed, string whose);

    [LoggerMessage(12, LogLevel.Debug, "The client went away during a request to {Path}: {Reason}")]
    public static partial void ClientDisconnected(ILogger logger, string path, string reason);

    [LoggerMessage(15, LogLevel.Information, "Event store: converting {Events} events to the integer keys of schema version 5, once")]
    public static partial void SchemaConverting(ILogger logger, long events);

    [LoggerMessage(16, LogLevel.Information, "Event store: building the user index of schema version 10 over {Events} events, once (about 3 s per million; the store grows by ~30 bytes per event, which a size cap, Collector:Retention:MaxBytes, takes from the oldest events)")]
    public static partial void UserIndexBuilding(ILogger logger, long events);

    [LoggerMessage(17, LogLevel.Warning, "The event store is unavailable; answered 503 to {Method} {Path}: {Reason} ({Suppressed} more 503 answers since the last such line, at most one every {Interval})")]
    public static partial void StoreUnavailableAnswered(ILogger logger, string method, string path, string reason, long suppressed, TimeSpan interval);

    [LoggerMessage(18, LogLevel.Warning, "Refused ingest from {RemoteAddress} to {Path} with 401: {Reason} ({Suppressed} more refusals {Whose} since the last such line, at most one a minute)")]
    public static partial void IngestKeyRefused(ILogger logger, string remoteAddress, string path, string reason, long suppressed, string whose);
}
