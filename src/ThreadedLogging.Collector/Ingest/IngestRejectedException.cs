namespace ThreadedLogging.Collector.Ingest;

/// <summary>A request that is refused as a whole, with its 4xx status and a short reason.</summary>
internal sealed class IngestRejectedException : Exception
{
    public IngestRejectedException()
    {
    }

    public IngestRejectedException(string message)
        : base(message)
    {
    }

    public IngestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IngestRejectedException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; } = StatusCodes.Status400BadRequest;

    /// <summary>Gets the Retry-After header to send (seconds), or null: the request may be retried as is then.</summary>
    public string? RetryAfterSeconds { get; init; }

    /// <summary>
    /// Gets whether the refusal is the store's "not now" (<see cref="RetryLater"/>): the batch is good and the same batch sent
    /// after <see cref="RetryAfterSeconds"/> can be stored. An SQS message refused so is left in the queue, not counted as a try.
    /// </summary>
    public bool IsRetryLater { get; private init; }

    /// <summary>
    /// The store cannot take this batch now, for a reason of its own that passes (PostgreSQL: a batch key retention removed as its answer was read, at each attempt): 503 with
    /// <c>Retry-After</c> <see cref="IngestEndpoint.StoreRetryAfterSeconds"/>. Not <c>EventStoreUnavailableException</c>: the
    /// store's writes work, so <c>/health/ready</c> is not made 503.
    /// </summary>
    public static IngestRejectedException RetryLater(string reason, Exception? innerException = null) =>
        new(StatusCodes.Status503ServiceUnavailable, reason, innerException) { RetryAfterSeconds = IngestEndpoint.StoreRetryAfterSeconds, IsRetryLater = true };

    public static IngestRejectedException BadRequest(string reason) => new(StatusCodes.Status400BadRequest, reason);

    public static IngestRejectedException TooLarge(string reason) => new(StatusCodes.Status413PayloadTooLarge, reason);
}
