using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>The table of wrong sign-ins: per address (IPv6 by /64), bounded under many addresses.</summary>
public sealed class FailedSignInsTests
{
    private const int MaxFailures = 10;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Failed_LimitZero_NeverThrottles()
    {
        var table = new FailedSignIns(new CollectorOptions { MaxWrongKeysPerMinute = 0 }, _clock, NullLogger<FailedSignIns>.Instance);
        for (var i = 0; i < MaxFailures * 10; i++)
        {
            table.Failed(IPAddress.Loopback);
        }

        Assert.Null(table.RetryAfter(IPAddress.Loopback));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.1", "::ffff:192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    public void RetryAfter_FailuresOfOneAddress_CountForItsIPv6SlashSixtyFourOnly(string failing, string asking, bool throttled)
    {
        var table = new FailedSignIns(new CollectorOptions(), _clock, NullLogger<FailedSignIns>.Instance);
        for (var i = 0; i < MaxFailures; i++)
        {
            table.Failed(IPAddress.Parse(failing));
        }

        Assert.Equal(throttled, table.RetryAfter(IPAddress.Parse(asking)) is not null);
    }

    [Fact]
    public void Failed_MoreAddressesThanKept_NewOnesAreCountedApartStillEachLimited()
    {
        var table = new FailedSignIns(new CollectorOptions(), _clock, NullLogger<FailedSignIns>.Instance);
        for (var i = 0; i < FailedSignIns.MaxAddresses; i++)
        {
            table.Failed(Address(i));
        }

        // Review17: past the table's size new addresses shared one count, so ten guesses from ten new addresses throttled
        // every new one, whatever key it sent.
        var oneGuessEach = Enumerable.Range(FailedSignIns.MaxAddresses, MaxFailures).Select(Address).ToList();
        foreach (var address in oneGuessEach)
        {
            table.Failed(address);
        }

        // Two more new addresses whose slots (a hash seeded at random) none of those share.
        var apart = Enumerable.Range(FailedSignIns.MaxAddresses + MaxFailures, 1000).Select(Address)
            .Where(a => oneGuessEach.All(o => table.SlotOf(o) != table.SlotOf(a))).ToList();
        var newcomer = apart[0];
        var guesser = apart.First(a => table.SlotOf(a) != table.SlotOf(newcomer));
        Assert.Null(table.RetryAfter(newcomer));

        // One new address's own guesses are still limited.
        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Null(table.RetryAfter(guesser));
            table.Failed(guesser);
        }

        Assert.NotNull(table.RetryAfter(guesser));
        Assert.Null(table.RetryAfter(Address(0))); // one failure of its own: not throttled

        _clock.Advance(FailedSignIns.Window);
        table.Failed(guesser);

        Assert.Null(table.RetryAfter(guesser));
    }

    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
}
