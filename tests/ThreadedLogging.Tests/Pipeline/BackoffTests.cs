namespace ThreadedLogging.Tests.Pipeline;

public sealed class BackoffTests
{
    [Fact]
    public void MarkFailure_Repeated_DoublesWithinJitterUpToTheMaximumAndOpensTheCircuit()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 1.0);
        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(0, 6).Select(_ => backoff.MarkFailure().TotalSeconds));
        Assert.True(backoff.IsOpen);

        backoff.MarkSuccess();
        Assert.False(backoff.IsOpen);
        var low = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 0.0);
        Assert.Equal(0.5, low.MarkFailure().TotalSeconds);
    }

    [Fact]
    public void MarkFailure_RetryAfter_IsHonouredUpToAnHour()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(42), backoff.MarkFailure(TimeSpan.FromSeconds(42)));
        Assert.Equal(TimeSpan.FromHours(1), backoff.MarkFailure(TimeSpan.FromDays(2)));
    }
}
