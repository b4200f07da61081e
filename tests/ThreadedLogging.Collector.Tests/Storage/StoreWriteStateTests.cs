using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Diff review: a write failure stayed current until a write succeeded, so a load balancer that took the collector out
/// on <c>/health/ready</c> kept it out for good; and the "still failing" line counted a previous run's refusals.
/// </summary>
public sealed class StoreWriteStateTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly CollectingLoggerProvider _log = new(LogLevel.Information);
    private readonly ILoggerFactory _factory;
    private readonly StoreWriteState _writes;

    public StoreWriteStateTests()
    {
        _factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(_log));
        _writes = new StoreWriteState(_clock, _factory.CreateLogger<StoreWriteState>());
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void Failed_ThenNoWriteForStaleAfter_NoLongerCurrentWithoutASuccess()
    {
        _writes.Failed(Full());
        Assert.NotNull(_writes.Current);

        _clock.Advance(StoreWriteState.StaleAfter - TimeSpan.FromSeconds(1));
        Assert.NotNull(_writes.Current);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(_writes.Current); // readiness comes back; before, only a successful write cleared it
    }

    [Fact]
    public void RefusalsEveryFewSeconds_StayCurrent_AfterStaleAFreshRunIsLogged()
    {
        _writes.Failed(Full());
        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            _writes.Failed(Full());
            Assert.NotNull(_writes.Current);
        }

        _clock.Advance(StoreWriteState.StaleAfter);
        _writes.Failed(Full());

        Assert.Equal(2, Lines(810).Count); // a run began twice
    }

    [Fact]
    public void StillFailingLine_CountsOnlyItsOwnRunsRefusals()
    {
        // Run 1: 30 refusals in 30 s, then writes resume.
        for (var i = 0; i < 30; i++)
        {
            _writes.Failed(Full());
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        _writes.Succeeded();
        _clock.Advance(TimeSpan.FromSeconds(10));

        // Run 2: a refusal every 5 s for a minute.
        _writes.Failed(Full());
        for (var i = 0; i < 12; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            _writes.Failed(Full());
        }

        var still = Assert.Single(Lines(811));
        Assert.Contains("12 requests refused with 503 since the last such line", still, StringComparison.Ordinal);
        Assert.Contains("30 requests were refused", Assert.Single(Lines(812)), StringComparison.Ordinal);
    }

    private static EventStoreUnavailableException Full() => new("disk full") { FailureReason = "disk full" };

    private List<string> Lines(int id) => [.. _log.Entries.Where(e => e.Message.Contains(id switch
    {
        810 => "Writes to the event store fail:",
        811 => "still fail",
        _ => "resumed after",
    }, StringComparison.Ordinal)).Select(e => e.Message)];
}
