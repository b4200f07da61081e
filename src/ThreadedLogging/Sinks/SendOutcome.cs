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

    /// <summary>
    /// The receiver refused the batch's content for good (400, 422): the batch is split to isolate the poison event, which is
    /// dropped alone. When 3 events of a batch were refused alone and the receiver took none, the others are held and sent
    /// again after the backoff, as for a transient failure: the receiver seems to refuse everything.
    /// </summary>
    Rejected,

    /// <summary>
    /// The receiver refused the credentials (401, 403), or a proxy its own (407): splitting cannot help. From the spool
    /// (<see cref="ThreadedHandlerOptions.BufferDirectory"/>) the batch is held on disk and retried with the backoff until the
    /// receiver takes it (the key fixed); from memory it is dropped whole and counted.
    /// </summary>
    Unauthorized,

    /// <summary>
    /// The receiver refused the request whatever events it carries (404, 405, 410, another 4xx that is not about the
    /// content, or a redirect, which is not followed): splitting cannot help. From the spool the batch is held and retried
    /// with the backoff, as for <see cref="Unauthorized"/>; from memory it is dropped whole and counted.
    /// </summary>
    Refused,
}
