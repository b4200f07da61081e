namespace ThreadedLogging;

/// <summary>The messages a batch packs into, in event order.</summary>
/// <param name="Messages">The messages; together they carry the leading events of the batch.</param>
/// <param name="OversizeEvent">
/// The index of the first event too large for one message even alone, or -1. The messages stop before it.
/// </param>
/// <param name="OversizeBytes">The size of that event's message alone.</param>
internal sealed record SqsPackResult(IReadOnlyList<SqsOutgoingMessage> Messages, int OversizeEvent, int OversizeBytes);
