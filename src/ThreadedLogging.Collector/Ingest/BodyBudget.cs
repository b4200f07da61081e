using System.Globalization;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Bounds the memory that ingest request bodies hold at once, received or gunzipped (<see cref="CollectorOptions.MaxReceivingBytes"/>).
/// Admission (<see cref="IngestAdmission"/>) bounds the requests at work only once their body is here, so that a slow sender holds
/// no slot; without this budget, connections that announce or trickle large bodies would each hold up to
/// <see cref="CollectorOptions.MaxRequestBodyBytes"/> while they wait. Past the budget a request is answered 429 with Retry-After,
/// which clients retry.
/// </summary>
internal sealed class BodyBudget(CollectorOptions options)
{
    private readonly string _retryAfter = ((int)Math.Ceiling(options.OverloadRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    private long _inUse;

    /// <summary>Gets the bytes that request bodies hold now.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes <paramref name="bytes"/> from the budget, or refuses the request (429) when they do not fit.</summary>
    /// <exception cref="IngestRejectedException">The budget is spent.</exception>
    public void Take(long bytes)
    {
        if (Interlocked.Add(ref _inUse, bytes) <= options.MaxReceivingBytes)
        {
            return;
        }

        var held = Interlocked.Add(ref _inUse, -bytes);
        throw new IngestRejectedException(StatusCodes.Status429TooManyRequests,
            $"collector overloaded (request bodies hold {held} bytes, Collector:MaxReceivingBytes is {options.MaxReceivingBytes}); retry after {_retryAfter} s")
        {
            RetryAfterSeconds = _retryAfter,
        };
    }

    /// <summary>Gives back what <see cref="Take"/> took.</summary>
    public void Give(long bytes) => Interlocked.Add(ref _inUse, -bytes);
}
