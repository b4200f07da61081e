namespace ThreadedLogging.Testing;

/// <summary>
/// The system's clock (real time: every timer fires when it is due), which calls <c>armed</c> with a timer's due time each
/// time one is armed through it, on the thread that arms it: a test learns that the code under test has begun a wait (a
/// retry's backoff) from the wait itself, not from something said before it nor from a sleep. Unlike
/// <c>WatchedTime</c>, nothing is faked: a handler given this clock reads the system's time and waits real time
/// (only not through its coarse clock of log calls, kept for <see cref="TimeProvider.System"/>).
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it (FaultClient's <c>--failing-first</c> too).</remarks>
public sealed class ArmingClock(Action<TimeSpan> armed) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        armed(dueTime);
        return timer;
    }
}
