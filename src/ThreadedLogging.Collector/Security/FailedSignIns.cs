using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Security review: wrong keys posted to <c>/auth/sign-in</c> were answered at full speed. After
/// <c>Collector:MaxWrongKeysPerMinute</c> (10) wrong keys from one remote address within <see cref="Window"/> (from its first), that address
/// is answered 429 with <c>Retry-After</c> until the window ends, whatever key it sends (else the limit would not stop a
/// guesser). An IPv6 address counts by its /64, which one machine usually holds whole. Memory is bounded: beyond
/// <see cref="MaxAddresses"/> addresses, those whose window ended are forgotten, and if none has, a new one is counted in
/// one of <see cref="SharedSlots"/> slots chosen by a hash of its address seeded at random per process.
/// </summary>
/// <remarks>
/// <para>Review17: past <see cref="MaxAddresses"/> every new address shared one count, so one wrong key from each of 10,030
/// addresses locked every new client out of reading, changes and sign-in, the right key too. A slot is shared only by the
/// addresses its hash gives it: an address is refused for others' wrong keys only when one of the guessers that outnumber the
/// table hashed to its slot, which a guesser can neither choose nor see; a guesser is still limited per address (per slot).</para>
/// <para>Behind a proxy every browser has the proxy's address and they share one count, unless the proxy is listed in
/// <c>Collector:TrustedProxies</c> (<see cref="TrustedProxies"/>): then its <c>X-Forwarded-For</c> is the address counted.
/// Nobody else's is read (anyone can write the header).</para>
/// </remarks>
internal sealed class FailedSignIns(CollectorOptions options, TimeProvider time, ILogger<FailedSignIns> logger)
{
    /// <summary>The most addresses remembered.</summary>
    public const int MaxAddresses = RecentKeys<Entry>.MaxKeys;

    /// <summary>How many counts the addresses beyond <see cref="MaxAddresses"/> are spread over (an array of 512 KiB made at the first, one small count per slot used).</summary>
    public const int SharedSlots = 65_536;

    /// <summary>How long the wrong keys of one address are counted, from its first.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly RecentKeys<Entry> _entries = new(Window, time);
    private readonly int _maxFailures = options.MaxWrongKeysPerMinute;
    private readonly int _seed = RandomNumberGenerator.GetInt32(int.MaxValue);
    private Entry?[]? _shared;

    /// <summary>How long until <paramref name="address"/> may sign in again; <see langword="null"/> when it may now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (_maxFailures == 0)
        {
            return null;
        }

        var now = time.GetTimestamp();
        lock (_gate)
        {
            var key = RemoteAddressKey.Of(address);
            var entry = Find(key, now);
            var elapsed = entry is null ? Window : time.GetElapsedTime(entry.Since, now);
            return entry is not null && entry.Count >= _maxFailures && elapsed < Window ? Window - elapsed : null;
        }
    }

    /// <summary>The 429 of a throttled address, with <c>Retry-After</c> in whole seconds.</summary>
    public JsonHttpResult<ErrorResponse> TooMany(HttpContext context, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ErrorResults.Create(StatusCodes.Status429TooManyRequests,
            $"too many wrong keys from this address ({_maxFailures} within {Window.TotalSeconds:0} s): try again in {seconds} s");
    }

    /// <summary>Counts one wrong key from <paramref name="address"/>; the one that reaches <see cref="MaxFailures"/> is logged.</summary>
    public void Failed(IPAddress? address)
    {
        if (_maxFailures == 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        var key = RemoteAddressKey.Of(address);
        int count;
        lock (_gate)
        {
            var remembered = key;
            var entry = _entries.Find(ref remembered, now, forgetAged: true);
            var own = remembered == key;
            if (!own)
            {
                entry = (_shared ??= new Entry?[SharedSlots])[SlotOf(key)];
            }

            if (entry is null || _entries.Aged(entry, now))
            {
                entry = new Entry(now);
                if (own)
                {
                    _entries.Set(key, entry);
                }
                else
                {
                    _shared![SlotOf(key)] = entry;
                }
            }

            count = ++entry.Count;
        }

        if (count == _maxFailures)
        {
            CollectorLog.SignInThrottled(logger, key, _maxFailures, Window);
        }
    }

    /// <summary>The slot of the count an address shares when <see cref="MaxAddresses"/> recent ones are remembered.</summary>
    internal int SlotOf(IPAddress? address) => SlotOf(RemoteAddressKey.Of(address));

    private int SlotOf(string key) => (int)((uint)HashCode.Combine(_seed, key) % SharedSlots);

    /// <summary>The count of <paramref name="key"/>: its own, or its slot's when the table is full (<see cref="SharedSlots"/>).</summary>
    private Entry? Find(string key, long now)
    {
        var remembered = key;
        var entry = _entries.Find(ref remembered, now, forgetAged: false);
        return remembered == key ? entry : _shared?[SlotOf(key)];
    }

    /// <summary>An address's first wrong key of its window (<see cref="RecentEntry.Since"/>) and how many it sent.</summary>
    private sealed class Entry(long since) : RecentEntry(since)
    {
        public int Count { get; set; }
    }
}
