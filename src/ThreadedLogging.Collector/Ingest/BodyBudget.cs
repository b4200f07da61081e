using System.Globalization;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Bounds the memory that ingest request bodies hold at once, received or gunzipped (<see cref="CollectorOptions.MaxReceivingBytes"/>).
/// Admission (<see cref="IngestAdmission"/>) bounds the requests at work only once their body is here, so that a slow sender holds
/// no slot; without this budget, connections that announce or trickle large bodies would each hold up to
/// <see cref="CollectorOptions.MaxRequestBodyBytes"/> while they wait. Past the budget a request is answered 429 with Retry-After,
/// which clients retry.
/// <para>
/// One sender (a remote address, <see cref="Security.RemoteAddressKey"/>) holds at most half of it (<see cref="SenderShare"/>,
/// security review): Kestrel's MinRequestBodyDataRate (1 KiB/s) lets a body trickle for the whole RequestBodyTimeout holding
/// its buffer (up to 1 MiB), so 256 connections sending 1 KiB/s each can hold the 256 MiB, and every other sender got 429. Half leaves the other half to
/// everyone else; a share for each of N senders would shut out the N+1th or cap every sender by a guess at N. The share is
/// never less than what two of the largest bodies hold (the two requests a client has in flight), each at its array's size
/// (<see cref="BodyBuffer.PooledLength"/>: a body of MaxRequestBodyBytes = 1 MiB grows into a 2 MiB array), nor more than
/// the budget: at the smallest budget (4 × MaxRequestBodyBytes) that is all of it.
/// </para>
/// <para>
/// The share protects the other senders from one slow client, not from a distributed attack: senders behind an unlisted
/// proxy share one address, and a sender with two IPv4 addresses (or an IPv6 /48, many /64s) can still fill the budget.
/// </para>
/// </summary>
internal sealed class BodyBudget(CollectorOptions options)
{
    private readonly string _retryAfter = ((int)Math.Ceiling(options.OverloadRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _bySender = new(StringComparer.Ordinal);
    private long _inUse;

    /// <summary>Gets the bytes that request bodies hold now.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>
    /// Gets the most that the bodies of one sender hold at once: half of <see cref="CollectorOptions.MaxReceivingBytes"/>, but
    /// at least two of the largest bodies' arrays (<see cref="BodyBuffer.PooledLength"/> of MaxRequestBodyBytes + the byte that
    /// shows the end) and at most the whole budget.
    /// </summary>
    public long SenderShare => Math.Min(
        options.MaxReceivingBytes,
        Math.Max(options.MaxReceivingBytes / 2, 2 * BodyBuffer.PooledLength(options.MaxRequestBodyBytes + 1)));

    /// <summary>Gets the bytes that <paramref name="sender"/>'s bodies hold now.</summary>
    public long HeldBy(string sender)
    {
        lock (_gate)
        {
            return _bySender.GetValueOrDefault(sender);
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> from the budget, and from <paramref name="sender"/>'s share when there is one, or refuses
    /// the request (429) when they do not fit.
    /// </summary>
    /// <exception cref="IngestRejectedException">The budget or the sender's share is spent.</exception>
    public void Take(long bytes, string? sender = null)
    {
        lock (_gate)
        {
            var held = sender is null ? 0 : _bySender.GetValueOrDefault(sender);
            if (sender is not null && held + bytes > SenderShare)
            {
                throw Overloaded($"request bodies from {sender} hold {held} bytes, one sender's share of Collector:MaxReceivingBytes is {SenderShare}");
            }

            if (_inUse + bytes > options.MaxReceivingBytes)
            {
                throw Overloaded($"request bodies hold {_inUse} bytes, Collector:MaxReceivingBytes is {options.MaxReceivingBytes}");
            }

            if (sender is not null)
            {
                _bySender[sender] = held + bytes;
            }

            Volatile.Write(ref _inUse, _inUse + bytes);
        }
    }

    /// <summary>Gives back what <see cref="Take"/> took.</summary>
    public void Give(long bytes, string? sender = null)
    {
        lock (_gate)
        {
            if (sender is not null)
            {
                var left = _bySender.GetValueOrDefault(sender) - bytes;
                if (left > 0)
                {
                    _bySender[sender] = left;
                }
                else
                {
                    _bySender.Remove(sender);
                }
            }

            Volatile.Write(ref _inUse, _inUse - bytes);
        }
    }

    private IngestRejectedException Overloaded(string why) =>
        new(StatusCodes.Status429TooManyRequests, $"collector overloaded ({why}); retry after {_retryAfter} s")
        {
            RetryAfterSeconds = _retryAfter,
        };
}
