namespace ThreadedLogging;

/// <summary>
/// A sink that can send a JsonBatch envelope (docs/WIRE-FORMAT.md) as it is: the spool sends a batch read back from
/// disk with the bytes it stored, without parsing them into events and writing them again (issue 14). A batch the
/// receiver does not take at once goes the ordinary way (events: retry, split, poison).
/// </summary>
internal interface ISendsEnvelopes
{
    /// <summary>Gets whether envelopes can be sent now (the sink's format is JsonBatch).</summary>
    bool CanSendEnvelopes { get; }

    /// <summary>Sends one envelope, given as JSON and as its gzip (empty when stored plain); the sink picks the encoding it sends.</summary>
    /// <param name="json">The envelope.</param>
    /// <param name="gzipped">The envelope's gzip as stored, or empty.</param>
    /// <param name="batchId">The envelope's batch id (the request's idempotency key).</param>
    /// <param name="identity">The sending handler's identity (where the sink sends to, when that depends on it).</param>
    /// <param name="cancellationToken">Cancels at the shutdown deadline.</param>
    ValueTask<SendResult> SendEnvelopeAsync(ReadOnlyMemory<byte> json, ReadOnlyMemory<byte> gzipped, string batchId, LogIdentity identity, CancellationToken cancellationToken);
}
