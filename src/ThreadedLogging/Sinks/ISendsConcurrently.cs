namespace ThreadedLogging;

/// <summary>
/// A sink whose <see cref="ILogBatchSink.SendAsync"/> may be called again before the previous call completed, so the
/// worker can build and send the next batch while the receiver still works on the one before (issue 14: on one
/// machine, the receiver's time per batch was time the worker sat idle). The worker keeps at most two batches in
/// flight, each under its own batch id, settled as it completes; the receiver dedups a resend by its id. Internal: a
/// user's sink is called one batch at a time.
/// </summary>
internal interface ISendsConcurrently
{
    /// <summary>Gets whether a second send may start now (the sink's format sends a batch in one request).</summary>
    bool CanSendConcurrently { get; }
}
