using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Ingest.Sqs;

namespace ThreadedLogging.Collector.Tests.Sqs;

/// <summary>
/// The limiter of a queue's failed-receive lines, shared by its receivers, on a fake clock: a failure is said at most once a
/// minute per kind, also when receives that work come between the failures (several receivers, errors now and then).
/// </summary>
public sealed class SqsReceiveFailuresTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Failed_ReceivesFailingAndWorkingByTurns_OneLineAMinutePerKind_ANewKindAtOnce()
    {
        var failures = new SqsReceiveFailures(_clock);
        var missing = new QueueDoesNotExistException("The specified queue does not exist.") { ErrorCode = "AWS.SimpleQueueService.NonExistentQueue" };

        Assert.True(failures.Failed(missing, out var first));
        var said = new List<bool>();
        for (var i = 0; i < 10; i++)
        {
            failures.Worked(out _, out _, out _); // another receiver's receive worked
            _clock.Advance(TimeSpan.FromSeconds(5));
            said.Add(failures.Failed(missing, out _));
        }

        Assert.DoesNotContain(true, said); // before: each of the 10 said, the key carrying the outage
        Assert.True(failures.Failed(new HttpRequestException("Connection refused"), out _)); // another kind: at once
        _clock.Advance(TimeSpan.FromSeconds(10));
        failures.Worked(out _, out _, out _);
        Assert.True(failures.Failed(missing, out var next)); // a minute after the first line
        Assert.Equal((0, 10), (first, next));
    }

    [Fact]
    public void Worked_AQueueFailingAndWorkingEveryPoll_OneWorksAgainLineAMinute_TheFirstAfterASaidFailureAlways()
    {
        var failures = new SqsReceiveFailures(_clock);
        var refused = new HttpRequestException("Connection refused");

        Assert.True(failures.Failed(refused, out _));
        Assert.False(failures.Failed(refused, out _));
        Assert.True(failures.Worked(out var n, out _, out _)); // the first recovery after a failure said: at once
        Assert.Equal(2, n);

        // Two receivers failing and one working, every 5 s: no failure line (said less than a minute ago), no recovery line.
        var said = new List<bool>();
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            Assert.False(failures.Failed(refused, out _));
            Assert.False(failures.Failed(refused, out _));
            said.Add(failures.Worked(out _, out _, out _));
        }

        Assert.DoesNotContain(true, said); // before: each of the 10 said

        // A new kind's failure is said at once, and so is the recovery after it, with the 10 left out.
        Assert.True(failures.Failed(new TimeoutException("The operation has timed out."), out _));
        Assert.False(failures.Failed(refused, out _));
        Assert.True(failures.Worked(out _, out _, out var leftOut));
        Assert.Equal(10, leftOut);

        // One failure alone: its line said it is retried, no recovery line.
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(failures.Failed(refused, out _));
        Assert.False(failures.Worked(out _, out _, out _));

        // Failures not said, the last recovery line more than a minute old: said.
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(failures.Failed(refused, out _));
        Assert.False(failures.Failed(refused, out _));
        Assert.True(failures.Worked(out n, out _, out leftOut));
        Assert.Equal((2, 0), (n, leftOut));
    }
}
