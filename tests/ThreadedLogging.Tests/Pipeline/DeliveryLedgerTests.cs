using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Spool;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

public sealed class DeliveryLedgerTests
{
    [Fact]
    public void Settle_SentAndRefused_CountsEachOnceAndLeavesNothingInFlight()
    {
        var ledger = new DeliveryLedger();
        var batch = Events(4);
        ledger.TakeOff(batch.Count);

        ledger.Settle(batch, 0, 3, delivered: true, spooled: false);
        ledger.Settle(batch, 3, 1, delivered: false, spooled: false);

        Assert.Equal(3, ledger.Sent);
        Assert.Equal(1, ledger.Dropped);
        Assert.Equal(4, ledger.Settled);
        Assert.Equal(0, ledger.InFlight);
    }

    [Fact]
    public async Task Worker_ThrowsOnAnEventItTakesOff_ThatEventDroppedAndSaidTheOthersSentEachCountedOnce()
    {
        // The exception left FillBatch after the queue gave up the events and before they were counted in flight: the
        // batch settled as lost took the in-flight count below zero (hidden by its clamp), the faulty event was never
        // settled, and every later Flush timed out.
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), SelfLog = selfLog.Enqueue });
        var logger = handler.CreateLogger("App");
        logger.LogInformation("a");
        handler.Queue.Enqueue(SpoolFaultTests.FaultsWhenTakenOff());
        logger.LogInformation("b");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        Assert.Equal(["a", "b"], sink.Delivered.Select(e => e.Message));
        var statistics = handler.Statistics;
        Assert.Equal((3L, 2L, 1L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Single(selfLog, line => line.Contains("Internal error", StringComparison.Ordinal));
    }

    [Fact]
    public void Settle_PartlySettledBatchSettledWhole_CountsOnlyTheRest()
    {
        // BatchWorker's catch-all after a bug of ours: the batch is counted lost, but part of it was delivered or dropped already.
        var ledger = new DeliveryLedger();
        var batch = Events(5);
        ledger.TakeOff(batch.Count);
        ledger.Settle(batch, 0, 2, delivered: true, spooled: false);
        ledger.Settle(batch, 2, 1, delivered: false, spooled: false);

        ledger.Settle(batch, 0, batch.Count, delivered: false, spooled: false);

        Assert.Equal((2L, 3L, 5L, 0L), (ledger.Sent, ledger.Dropped, ledger.Settled, ledger.InFlight));
    }

    [Fact]
    public void Settle_DropNotice_NeverCountedInFlightSentOrSettled()
    {
        var ledger = new DeliveryLedger();
        var batch = Events(2);
        ledger.TakeOff(batch.Count); // BatchWorker.FillBatch: the app's events, then the notice
        batch.Add(Notice());
        Assert.Equal(2, ledger.InFlight);

        ledger.Settle(batch, 0, batch.Count, delivered: true, spooled: false);

        Assert.Equal(2, ledger.Sent);
        Assert.Equal(2, ledger.Settled);
        Assert.Equal(0, ledger.InFlight);
    }

    [Fact]
    public void Settle_SpooledEvents_LeaveTheSpoolNotTheFlight()
    {
        var ledger = new DeliveryLedger();
        var batch = Events(2);
        ledger.TakeOff(batch.Count);
        batch.Add(Notice());
        ledger.MoveToSpool(userEvents: 2);
        Assert.Equal((0L, 2L), (ledger.InFlight, ledger.Spooled));

        ledger.Settle(batch, 0, batch.Count, delivered: true, spooled: true);

        Assert.Equal((0L, 0L, 2L), (ledger.InFlight, ledger.Spooled, ledger.Sent));
    }

    [Fact]
    public void DropSpooled_SpoolCap_SettlesAsDropped()
    {
        var ledger = new DeliveryLedger();
        ledger.Adopt(5);

        ledger.DropSpooled(2);

        Assert.Equal((2L, 2L, 3L, 5L), (ledger.Dropped, ledger.Settled, ledger.Spooled, ledger.Adopted));
    }

    [Fact]
    public async Task WaitForFlushAsync_TargetReachedLater_CompletesTrueOnlyThen()
    {
        var ledger = new DeliveryLedger();
        var batch = Events(3);
        ledger.TakeOff(batch.Count);
        var wait = ledger.WaitForFlushAsync(enqueued: 3, CancellationToken.None);

        ledger.Settle(batch, 0, 2, delivered: true, spooled: false);
        Assert.False(wait.IsCompleted);
        ledger.Settle(batch, 2, 1, delivered: false, spooled: false);

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitForFlushAsync_AdoptedEvents_AreWaitedForToo()
    {
        var ledger = new DeliveryLedger();
        ledger.Adopt(2);
        var wait = ledger.WaitForFlushAsync(enqueued: 0, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        ledger.Settle(Events(2), 0, 2, delivered: true, spooled: true);

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitForFlushAsync_EventsAdoptedWhileItWaits_WaitedForToo_NotInPlaceOfItsOwn()
    {
        // Before, a flush's target was fixed when it was called: the 2 adopted while it waited, sent first, settled and
        // reached it (true) with its own event unsent.
        var ledger = new DeliveryLedger();
        ledger.TakeOff(1);
        var wait = ledger.WaitForFlushAsync(enqueued: 1, CancellationToken.None);
        var count = ledger.WaitUntilSettledAsync(1, CancellationToken.None); // a fixed count: adoptions leave it

        ledger.Adopt(2);
        ledger.Settle(Events(2), 0, 2, delivered: true, spooled: true);
        Assert.True(await count);
        Assert.False(wait.IsCompleted);
        ledger.Settle(Events(1), 0, 1, delivered: true, spooled: false);

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitForFlushAsync_AlreadySettled_CompletesTrueAtOnce()
    {
        var ledger = new DeliveryLedger();
        ledger.TakeOff(1);
        ledger.Settle(Events(1), 0, 1, delivered: true, spooled: false);

        Assert.True(await ledger.WaitForFlushAsync(enqueued: 1, CancellationToken.None));
    }

    [Fact]
    public async Task WaitUntilSettledAsync_Cancelled_CompletesFalse()
    {
        var ledger = new DeliveryLedger();
        using var cancel = new CancellationTokenSource();
        var wait = ledger.WaitUntilSettledAsync(1, cancel.Token);

        await cancel.CancelAsync();

        Assert.False(await wait);
    }

    [Fact]
    public async Task CountLost_WorkerStopped_DropsQueuedAndInFlightAndReleasedWaitersFail()
    {
        var ledger = new DeliveryLedger();
        ledger.TakeOff(3);
        var wait = ledger.WaitForFlushAsync(enqueued: 5, CancellationToken.None);

        var lost = ledger.CountLost(queued: 2);
        ledger.ReleaseWaiters();

        Assert.Equal(5, lost);
        Assert.Equal((5L, 0L, 0L), (ledger.Dropped, ledger.InFlight, ledger.Settled));
        Assert.False(await wait);
    }

    [Fact]
    public void Settle_AfterFreeze_ChangesNothing()
    {
        var ledger = new DeliveryLedger();
        var batch = Events(2);
        ledger.TakeOff(batch.Count);
        ledger.Freeze();

        ledger.Settle(batch, 0, 2, delivered: true, spooled: false);
        ledger.DropSpooled(1);
        var lost = ledger.CountLostOfAbandoned(enqueued: 2);

        Assert.Equal(2, lost); // counted once, by shutdown, whatever the abandoned worker still does
        Assert.Equal((0L, 2L, 0L), (ledger.Sent, ledger.Dropped, ledger.Settled));
    }

    [Fact]
    public void CountLostOfAbandoned_ABatchBetweenTheQueueAndTheFlight_CountedOnce()
    {
        // 30 accepted: 5 sent, 5 spooled, 10 queued, and 10 the abandoned worker has released from the queue but not yet
        // taken off (BatchWorker.FillBatch: Release, then TakeOff). The queue's count plus in flight (CountLost, as the
        // abandoned shutdown read them) is 10 + 10 = 20 here, and 30 once the worker takes off the 10: the flaky
        // Spool_Full_DropsOldestAndCountsExactly under load. Accepted less sent, dropped and spooled is 20 either way.
        var ledger = new DeliveryLedger();
        var sent = Events(5);
        ledger.TakeOff(5);
        ledger.Settle(sent, 0, 5, delivered: true, spooled: false);
        ledger.TakeOff(5);
        ledger.MoveToSpool(5);
        ledger.Freeze();

        var lost = ledger.CountLostOfAbandoned(enqueued: 30);
        ledger.TakeOff(10); // the abandoned worker goes on

        Assert.Equal(20, lost);
        Assert.Equal((5L, 20L, 5L), (ledger.Sent, ledger.Dropped, ledger.Spooled)); // each of the 30 once
    }

    private static List<LogEvent> Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "Payroll", $"event {i}"))];

    private static LogEvent Notice()
    {
        var notice = LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Warning, QueueDrops.OwnCategory, "dropped");
        notice.IsExtra = true;
        return notice;
    }
}
