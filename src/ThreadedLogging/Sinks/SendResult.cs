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
}
