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

    public static IngestRejectedException BadRequest(string reason) => new(StatusCodes.Status400BadRequest, reason);

    public static IngestRejectedException TooLarge(string reason) => new(StatusCodes.Status413PayloadTooLarge, reason);
}
