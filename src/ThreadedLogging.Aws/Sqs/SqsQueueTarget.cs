namespace ThreadedLogging;

/// <summary>A resolved queue: its URL and the largest message it takes.</summary>
/// <param name="Url">The queue URL.</param>
/// <param name="MaxMessageBytes">The smaller of the option and the queue's <c>MaximumMessageSize</c>.</param>
/// <param name="IsFifo">Whether messages need a group id and a deduplication id.</param>
internal sealed record SqsQueueTarget(string Url, int MaxMessageBytes, bool IsFifo);
