namespace ThreadedLogging.Collector.Storage;

/// <summary>What one accepted request stores, in one transaction.</summary>
/// <param name="BatchKey">The idempotency key (Idempotency-Key or batchId), or null when the client sent none.</param>
/// <param name="Events">The events, in the order received.</param>
internal sealed record EventBatch(string? BatchKey, IReadOnlyList<NewEvent> Events);
