using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>One line per key per interval, the count of lines left out, and bounded memory under many keys.</summary>
public sealed class LogRateLimiterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void TryAcquire_SameKeyWithinTheInterval_LeftOutThenCountedInTheNextLine()
    {
        var limiter = new LogRateLimiter(Interval, _clock);

        Assert.True(Acquire(limiter, "10.0.0.1", out var first));
        Assert.False(Acquire(limiter, "10.0.0.1", out _));
        Assert.False(Acquire(limiter, "10.0.0.1", out _));
        Assert.True(Acquire(limiter, "10.0.0.2", out var other));
        _clock.Advance(Interval);
        Assert.True(Acquire(limiter, "10.0.0.1", out var next));

        Assert.Equal((0, 0, 2), (first, other, next));
    }

    [Fact]
    public void TryAcquire_MoreRecentKeysThanItKeeps_NewKeysShareOneAllowanceUntilOldOnesAge()
    {
        var limiter = new LogRateLimiter(Interval, _clock);
        for (var i = 0; i < LogRateLimiter.MaxKeys; i++)
        {
            Assert.True(Acquire(limiter, $"old-{i}", out _));
        }

        _clock.Advance(Interval / 2);
        var key = "new-0";
        Assert.True(limiter.TryAcquire(ref key, out _));
        Assert.Equal(LogRateLimiter.OverflowKey, key);
        for (var i = 1; i <= 1000; i++)
        {
            Assert.False(Acquire(limiter, $"new-{i}", out _)); // all share the overflow key's one line
        }

        Assert.False(Acquire(limiter, "old-0", out _)); // a remembered key keeps its own allowance

        _clock.Advance(Interval / 2);
        key = "new-1001";
        Assert.True(limiter.TryAcquire(ref key, out var suppressed));
        Assert.Equal("new-1001", key); // the old keys aged and were forgotten: a new key gets its own line again
        Assert.Equal(0, suppressed);
        _clock.Advance(Interval / 2);
        var overflow = LogRateLimiter.OverflowKey;
        Assert.True(limiter.TryAcquire(ref overflow, out var sharedLeftOut));
        Assert.Equal(1000, sharedLeftOut);
    }

    private static bool Acquire(LogRateLimiter limiter, string key, out long suppressed) => limiter.TryAcquire(ref key, out suppressed);
}
