namespace ThreadedLogging.Collector.Storage;

/// <summary>Removes old events (and everything derived from them: full text, dedupe keys) while ingest goes on.</summary>
internal interface IEventRetention
{
    /// <summary>
    /// Removes events older than <c>now - MaxAge</c> (and, where supported, the oldest beyond <c>MaxBytes</c>).
    /// Safe to interrupt at any point: what is left is consistent and the next run finishes the work.
    /// </summary>
    /// <param name="options">What to keep.</param>
    /// <param name="now">The time <c>MaxAge</c> counts back from.</param>
    /// <param name="cancellationToken">Stops the run between two of its transactions.</param>
    /// <param name="removed">Told of each committed deletion (why, how many events), so that a run that fails midway is counted for what it removed.</param>
    Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null);
}
