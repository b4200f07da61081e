using System.Buffers;
using System.Numerics;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The bytes of a request body (received or gunzipped), in an array rented from a pool of its own when it is at most
/// <see cref="MaxPooledLength"/>: a client's batch (1 MiB at most by default) is ~0.7 MB, which as a new array per request
/// is a large-object allocation to zero and fault in, and a gen2 collection every few dozen requests (issue 14).
/// <see cref="Dispose"/> gives the array back: only once nothing reads the body any more (after decoding: decoders keep
/// no reference into the body).
/// </summary>
internal sealed class BodyBuffer : IDisposable
{
    /// <summary>The largest array pooled; a larger body gets an array of its own, as before.</summary>
    public const int MaxPooledLength = 2 * 1024 * 1024;

    /// <summary>At most 4 arrays per size are kept (2 requests in flight per client, admission bounds the rest): ≤ ~16 MB.</summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(MaxPooledLength, maxArraysPerBucket: 4);

    private readonly bool _rented;
    private readonly BodyBudget? _budget;
    private readonly string? _sender;
    private byte[]? _array;
    private int _taken;

    private BodyBuffer(byte[] array, int length, bool rented, BodyBudget? budget = null, string? sender = null)
    {
        _array = array;
        Length = length;
        _rented = rented;
        _budget = budget;
        _sender = sender;
    }

    /// <summary>Gets the array; its first <see cref="Length"/> bytes are the body.</summary>
    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(BodyBuffer));

    /// <summary>Gets or sets how many bytes of <see cref="Array"/> are the body.</summary>
    public int Length { get; set; }

    /// <summary>Gets the body.</summary>
    public Memory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>Gets the body.</summary>
    public Span<byte> Span => Array.AsSpan(0, Length);

    /// <summary>
    /// An empty buffer of at least <paramref name="capacity"/> bytes (pooled when small enough), the length of the array it
    /// holds taken from <paramref name="budget"/> until it is disposed: the pool hands out a power of two (a 1 MiB + 1 byte
    /// buffer is a 2 MiB array), and counting the capacity asked for let bodies being received hold up to twice
    /// <see cref="CollectorOptions.MaxReceivingBytes"/> (security review). The array is rented first and its own length
    /// counted (<see cref="PooledLength"/>). With a
    /// <paramref name="sender"/> (<see cref="Security.RemoteAddressKey"/>) it is also taken from that sender's share.
    /// </summary>
    /// <exception cref="IngestRejectedException">The budget or the sender's share is spent (429); the array is given back.</exception>
    public static BodyBuffer Rent(int capacity, BodyBudget? budget = null, string? sender = null)
    {
        var array = RentArray(capacity, out var rented);
        try
        {
            budget?.Take(array.Length, sender);
        }
        catch
        {
            if (rented)
            {
                Pool.Return(array);
            }

            throw;
        }

        return new BodyBuffer(array, 0, rented, budget, sender) { _taken = array.Length };
    }

    /// <summary>A body that is already an array of its own (a query string, an SQS message, a gRPC message).</summary>
    public static BodyBuffer Of(byte[] bytes) => new(bytes, bytes.Length, rented: false);

    /// <summary>
    /// The length of the array <see cref="Rent"/> hands out for <paramref name="capacity"/> bytes: a power of two up to
    /// <see cref="MaxPooledLength"/>, past it the capacity itself.
    /// </summary>
    public static long PooledLength(long capacity) =>
        capacity <= MaxPooledLength ? (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(capacity, 16)) : capacity;

    /// <summary>
    /// An array of <see cref="PooledLength"/> bytes: when its bucket is empty the pool hands out an idle array of the next
    /// larger size, which would count twice the bytes against the budget (a 1 MB body holding 2 MiB); that one goes back
    /// and a new array of the right size is made (the pool keeps it when it is given back).
    /// </summary>
    private static byte[] RentArray(int capacity, out bool rented)
    {
        rented = capacity <= MaxPooledLength;
        if (!rented)
        {
            return new byte[capacity];
        }

        var array = Pool.Rent(capacity);
        if (array.Length > PooledLength(capacity))
        {
            Pool.Return(array);
            array = new byte[PooledLength(capacity)];
        }

        return array;
    }

    /// <summary>
    /// Moves the body into a larger buffer of at least <paramref name="capacity"/> bytes, giving this one's back. The budget
    /// is charged only the difference (this buffer's bytes are handed over to the larger one): taking the larger buffer's
    /// whole length before giving this one's back counted one body twice, so a single body of
    /// <see cref="CollectorOptions.MaxRequestBodyBytes"/> (1 MiB held, growing to a 2 MiB array) was refused by a 2 MiB share.
    /// </summary>
    /// <exception cref="IngestRejectedException">The budget this buffer was taken from is spent (429); this buffer is kept.</exception>
    public BodyBuffer Grow(int capacity)
    {
        var held = Array;
        var array = RentArray(capacity, out var rented);
        var more = array.Length - _taken;
        try
        {
            if (more > 0)
            {
                _budget?.Take(more, _sender);
            }
        }
        catch
        {
            if (rented)
            {
                Pool.Return(array);
            }

            throw;
        }

        held.AsSpan(0, Length).CopyTo(array);
        var larger = new BodyBuffer(array, Length, rented, _budget, _sender) { _taken = Math.Max(array.Length, _taken) };
        _taken = 0;
        Dispose();
        return larger;
    }

    /// <summary>Gives a pooled array back (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is not { } array)
        {
            return;
        }

        if (_taken > 0)
        {
            _budget?.Give(_taken, _sender);
        }

        if (_rented)
        {
            Pool.Return(array);
        }
    }
}
