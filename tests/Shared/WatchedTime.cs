using Microsoft.Extensions.Time.Testing;

namespace ThreadedLogging.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that says when a timer of a given due time is armed, so that a test advances the
/// clock only once the code under test waits on it (a timer armed after the advance would wait its whole due time).
/// </summary>
/// <remarks>Shared by the test projects: linked from tests/Shared into each that needs it.</remarks>
public sealed class WatchedTime(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(start);
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _watches = [];

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public void Advance(TimeSpan delta) => _fake.Advance(delta);

    /// <summary>Completes when a timer due in <paramref name="due"/> is armed after this call.</summary>
    public Task Armed(TimeSpan due)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            _watches.Add((due, armed));
        }

        return armed.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _fake.CreateTimer(callback, state, dueTime, period);
        lock (_watches)
        {
            foreach (var (_, armed) in _watches.Where(w => w.Due == dueTime))
            {
                armed.TrySetResult();
            }

            _watches.RemoveAll(w => w.Due == dueTime);
        }

        return timer;
    }
}
