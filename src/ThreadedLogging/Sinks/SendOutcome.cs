namespace ThreadedLogging;

/// <summary>How a sink classifies the result of sending a batch.</summary>
public enum SendOutcome
{
    /// <summary>The whole batch was delivered.</summary>
    Sent,

    /// <summary>A transient failure (network, timeout, 408, 429, 5xx): retry later with backoff.</summary>
    Transient,

    /// <summary>The batch is too large for the receiver (413): split it and send the halves.</summary>
    TooLarge,

    /// <summary>The receiver refused the batch for good (400, 401, 403): do not resend it as is.</summary>
    Rejected,
}
