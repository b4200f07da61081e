namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The queue's drop notices and the worker taking one while a producer counts a drop: the full queue's drop was counted
/// before its time was kept, so a notice taken in between counted it with no time (0001-01-01 for the first drop), and
/// the time it then kept went to the next notice's first drop. The time is kept first now, as the re-entrant drop's was.
/// </summary>
public sealed class QueueDropsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Add_NoticeTakenWhileTheDropReadsTheClock_EveryNoticeHasTheDropsTime(bool reentrant)
    {
        var at = new DateTimeOffset(2026, 12, 7, 22, 0, 0, TimeSpan.Zero);
        var clock = new InterleavingClock(at);
        var drops = new QueueDrops(clock, new SelfLog(null, clock));
        var notices = new List<LogEvent>();
        clock.OnRead = () =>
        {
            clock.OnRead = null; // the worker's turn comes once, inside the drop's clock read
            notices.AddRange(Take(drops, reentrant));
        };

        if (reentrant)
        {
            drops.AddReentrant();
        }
        else
        {
            drops.Add();
        }

        notices.AddRange(Take(drops, reentrant));

        var notice = Assert.Single(notices);
        Assert.Equal(1L, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.Equal(at, notice.Properties.Single(p => p.Key == "FirstDrop").Value);
        Assert.Equal(at, notice.Properties.Single(p => p.Key == "LastDrop").Value);
    }

    private static IEnumerable<LogEvent> Take(QueueDrops drops, bool reentrant)
    {
        if ((reentrant ? drops.TakeReentrantNotice() : drops.TakeNotice()) is { } notice)
        {
            yield return notice;
        }
    }

    /// <summary>A fixed clock that lets the worker run at a read (<see cref="OnRead"/>): the interleaving a race can make.</summary>
    private sealed class InterleavingClock(DateTimeOffset now) : TimeProvider
    {
        public Action? OnRead { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            OnRead?.Invoke();
            return now;
        }
    }
}
