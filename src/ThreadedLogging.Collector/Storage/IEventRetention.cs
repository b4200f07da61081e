namespace ThreadedLogging.Collector.Storage;

/// <summary>Removes old events (and everything derived from them: full text, dedupe keys) while ingest goes on.</summary>
internal interface IEventRetention
{
    /// <summary>
    /// Removes events older than <c>now - MaxAge</c> (and, where supported, the oldest beyond <c>MaxBytes</c>).
    /// Safe to interrupt at any point: what is left is consistent and the next run finishes the work.
    /// </summary>
    Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken);
}
