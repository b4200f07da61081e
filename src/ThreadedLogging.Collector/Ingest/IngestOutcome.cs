using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// How one ingest request ended, before any protocol answers it (HTTP status or gRPC status code): stored
/// (<see cref="Decoded"/> set), or refused with an HTTP status, its reason and, for 429/503, the Retry-After seconds.
/// </summary>
internal sealed record IngestOutcome(int StatusCode, string? Reason = null, string? RetryAfterSeconds = null)
{
    /// <summary>Gets the batch that was stored, or null when the request was refused.</summary>
    public DecodedBatch? Decoded { get; init; }

    /// <summary>Gets what the store did with <see cref="Decoded"/>.</summary>
    public AppendResult Result { get; init; }

    public static IngestOutcome Stored(DecodedBatch decoded, AppendResult result) =>
        new(StatusCodes.Status200OK) { Decoded = decoded, Result = result };
}
