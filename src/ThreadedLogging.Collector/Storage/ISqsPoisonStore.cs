namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The SQS messages set aside (could not be decoded, or not stored after too many receives): kept with
/// their body and reason so that nothing is lost silently and nothing is retried forever.
/// </summary>
internal interface ISqsPoisonStore
{
    /// <summary>Keeps a message; a message already kept (same queue and message id, redelivered before its delete went through) is kept once.</summary>
    Task AddAsync(SqsPoisonMessage message, CancellationToken cancellationToken);

    /// <summary>Returns the total count and the newest <paramref name="limit"/> messages, newest first.</summary>
    Task<(long Count, IReadOnlyList<SqsPoisonMessage> Newest)> ListAsync(int limit, CancellationToken cancellationToken);
}
