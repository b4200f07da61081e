namespace ThreadedLogging;

/// <summary>The result of <see cref="ILogBatchSink.SendAsync"/>.</summary>
/// <param name="Outcome">How the send ended.</param>
/// <param name="Completed">How many leading events of the batch were delivered before a failure (sinks that send one event per request).</param>
/// <param name="RetryAfter">The delay the receiver asked for (<c>Retry-After</c>), if any.</param>
/// <param name="Error">A short description of the failure, for statistics and the self-log.</param>
public readonly record struct SendResult(SendOutcome Outcome, int Completed = 0, TimeSpan? RetryAfter = null, string? Error = null)
{
    /// <summary>Gets a result meaning the whole batch was delivered.</summary>
    public static SendResult Success => new(SendOutcome.Sent);

    /// <summary>
    /// Gets the runs (offset in the batch, count) of events after the <see cref="Completed"/> ones that were delivered
    /// too, in order, or <see langword="null"/>: a receiver that takes several messages in one call may accept some
    /// after one it refused (SQS <c>SendMessageBatch</c>). The pipeline settles them as sent and resends only the rest.
    /// </summary>
    internal IReadOnlyList<(int Offset, int Count)>? DeliveredAfter { get; init; }

    /// <summary>
    /// Gets whether the receiver failed on this request (HTTP 500), not for being down or overloaded (502, 503, 504, 429,
    /// 408, the network): retried as <see cref="SendOutcome.Transient"/>, and after
    /// <see cref="BatchDelivery.ServerFaultsBeforeIsolating"/> such answers in a row to the same events split to find the
    /// event the receiver fails on, which is dropped alone: one such event held back everything logged after it.
    /// </summary>
    internal bool ServerFault { get; init; }

    /// <summary>
    /// Gets whether the sink delivered the <see cref="Completed"/> events and then threw on the next one, not on the way to
    /// the receiver (<see cref="SinkFailure"/>: a wrapped provider's logger that throws on a value): counted as a send that
    /// threw, toward <see cref="SinkFailure.AttemptsBeforeIsolating"/>, as a throw that escapes the sink is.
    /// </summary>
    internal bool ThrewOnContent { get; init; }

    /// <summary>
    /// Gets what failed when <see cref="Error"/> also carries the receiver's own words, which may differ from one answer to
    /// the next (a count of requests in progress, a request id): an answer's status, <c>HTTP 429</c>. An outage's repeats
    /// of one cause are said summed up (<see cref="OutageLog"/>), however their words differ; <see langword="null"/>: the
    /// <see cref="Error"/> is the cause.
    /// </summary>
    internal string? Cause { get; init; }
}
