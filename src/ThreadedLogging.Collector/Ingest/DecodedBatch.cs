using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>What a decoder made of a body: the batch to store, and the records it refused one by one (OTLP's partial success).</summary>
/// <param name="Batch">The events to store, in one transaction.</param>
/// <param name="Rejected">Records left out of <paramref name="Batch"/> because each broke a limit (never a malformed body: that is a 4xx).</param>
/// <param name="Rejection">The first left-out record's reason, or null.</param>
internal sealed record DecodedBatch(EventBatch Batch, int Rejected = 0, string? Rejection = null);
