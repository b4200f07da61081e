namespace ThreadedLogging.Collector.Ingest.Sqs;

/// <summary>
/// How many receives of each message a consumer left in the queue without trying it: its bytes did not fit the receiving
/// budget (<c>Collector:MaxReceivingBytes</c>), the store could not take writes (a full disk), or its receive's visibility
/// timeout ran out before its turn. SQS's <c>ApproximateReceiveCount</c> counts those receives too, and
/// <see cref="SqsIngestOptions.MaxReceiveCount"/> is a number of tries: a message left five times and then failing once
/// to store was set aside at that first failure. <see cref="Tries"/> is the receive count less these.
/// In memory, per consumer: a restart or another collector draining the same queue does not know them, and counts them as
/// SQS does (the worst case is the rule as it was). Bounded: past <see cref="MaxMessages"/> messages, those not left for
/// <see cref="Forgotten"/> are forgotten (handled by another collector, or gone); when none is, a new one is not counted.
/// </summary>
internal sealed class SqsUntriedReceives(TimeProvider time)
{
    /// <summary>The most messages remembered.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>How long a message not left again is remembered once <see cref="MaxMessages"/> are.</summary>
    public static readonly TimeSpan Forgotten = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Count, long Last, bool RetryLaterSaid)> _left = new(StringComparer.Ordinal);

    /// <summary>The receives of <paramref name="messageId"/> that were tries: <paramref name="receiveCount"/> less those it was left, at least 1.</summary>
    public int Tries(string? messageId, int receiveCount)
    {
        lock (_gate)
        {
            return messageId is not null && _left.TryGetValue(messageId, out var left) ? Math.Max(1, receiveCount - left.Count) : receiveCount;
        }
    }

    /// <summary>Counts one more receive of <paramref name="messageId"/> that left it untried.</summary>
    public void Untried(string? messageId) => CountLeft(messageId, retryLater: false);

    /// <summary>
    /// Counts one more receive of <paramref name="messageId"/> that left it untried for the store's "retry later"; true at
    /// the first such receive of the message (or when it is not counted: too many remembered), whatever left it before (the
    /// budget, the store unavailable, its turn too late), which is when the consumer says why it waits (110).
    /// </summary>
    public bool RetryLater(string? messageId) => CountLeft(messageId, retryLater: true);

    private bool CountLeft(string? messageId, bool retryLater)
    {
        if (messageId is null)
        {
            return true;
        }

        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_left.TryGetValue(messageId, out var left))
            {
                _left[messageId] = (left.Count + 1, now, left.RetryLaterSaid || retryLater);
                return !left.RetryLaterSaid;
            }

            if (_left.Count >= MaxMessages)
            {
                foreach (var (id, entry) in _left)
                {
                    if (time.GetElapsedTime(entry.Last, now) >= Forgotten)
                    {
                        _left.Remove(id);
                    }
                }

                if (_left.Count >= MaxMessages)
                {
                    return true;
                }
            }

            _left[messageId] = (1, now, retryLater);
            return true;
        }
    }

    /// <summary>Forgets <paramref name="messageId"/>: it was stored or set aside, and is deleted.</summary>
    public void Forget(string? messageId)
    {
        if (messageId is null)
        {
            return;
        }

        lock (_gate)
        {
            _left.Remove(messageId);
        }
    }
}
