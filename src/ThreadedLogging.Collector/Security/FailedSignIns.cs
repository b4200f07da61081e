using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Security review: wrong keys posted to <c>/auth/sign-in</c> were answered at full speed. After
/// <c>Collector:MaxWrongKeysPerMinute</c> (10) wrong keys from one remote address within <see cref="Window"/> (from its first), that address
/// is answered 429 with <c>Retry-After</c> until the window ends, whatever key it sends (else the limit would not stop a
/// guesser). An IPv6 address counts by its /64, which one machine usually holds whole. Memory is bounded: beyond
/// <see cref="MaxAddresses"/> addresses, those whose window ended are forgotten, and if none has, new ones share
/// <see cref="OverflowKey"/>'s count (many addresses guessing at once are limited together).
/// </summary>
/// <remarks>Behind a proxy every browser has the proxy's address and they share one count, unless the proxy is listed in
/// <c>Collector:TrustedProxies</c> (<see cref="TrustedProxies"/>): then its <c>X-Forwarded-For</c> is the address counted.
/// Nobody else's is read (anyone can write the header).</remarks>
internal sealed class FailedSignIns(CollectorOptions options, TimeProvider time, ILogger<FailedSignIns> logger)
{
    /// <summary>The most addresses remembered.</summary>
    public const int MaxAddresses = RecentKeys<Entry>.MaxKeys;

    /// <summary>The key that stands for any new address while <see cref="MaxAddresses"/> recent ones are remembered.</summary>
    public const string OverflowKey = RecentKeys<Entry>.OverflowKey;

    /// <summary>How long the wrong keys of one address are counted, from its first.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly RecentKeys<Entry> _entries = new(Window, time);
    private readonly int _maxFailures = options.MaxWrongKeysPerMinute;

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
            var entry = _entries.Find(ref key, now, forgetAged: false);
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
            var entry = _entries.Find(ref key, now, forgetAged: true);
            if (entry is null || _entries.Aged(entry, now))
            {
                entry = new Entry(now);
                _entries.Set(key, entry);
            }

            count = ++entry.Count;
        }

        if (count == _maxFailures)
        {
            CollectorLog.SignInThrottled(logger, key, _maxFailures, Window);
        }
    }

    /// <summary>An address's first wrong key of its window (<see cref="RecentEntry.Since"/>) and how many it sent.</summary>
    private sealed class Entry(long since) : RecentEntry(since)
    {
        public int Count { get; set; }
    }
}
