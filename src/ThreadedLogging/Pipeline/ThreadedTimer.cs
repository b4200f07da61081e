using System.Runtime.CompilerServices;

namespace ThreadedLogging;

/// <summary>
/// A wakeable signal with a period, under the seed's name <c>ThreadedTimer</c>: not a timer that calls
/// back, but what the worker waits on until the interval elapses or a producer wakes it (a full batch, a
/// flush-level event, <c>Flush</c>, shutdown). Only the worker waits; any thread may wake it. It also waits
/// out retry delays on the same clock.
/// </summary>
internal sealed class ThreadedTimer
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signalled;
    private long _nextTick;

    public ThreadedTimer(TimeSpan interval, TimeProvider time)
    {
        _interval = interval;
        _time = time;
        _nextTick = time.GetTimestamp() + ToTimestamp(interval);
    }

    /// <summary>Wakes the worker. Cheap when it is already awake: one volatile read, inlined into the log call.</summary>
    /// <remarks>
    /// Inlined so that it runs as the call's own optimized code: a method of its own runs as Tier-0 code for the first
    /// second of a process, and a burst at start-up called it that way for every call past the first full batch.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Wake()
    {
        if (Volatile.Read(ref _signalled) == 0)
        {
            Signal();
        }
    }

    /// <summary>Gets whether the worker was woken and has not yet taken the wake: a call need not look for a full batch then.</summary>
    public bool Woken
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _signalled) != 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.TrySetResult();
        }
    }

    /// <summary>Waits until the interval elapses (returns true) or <see cref="Wake"/> is called (returns false).</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (TryConsumeSignal())
        {
            return false;
        }

        var remaining = _nextTick - _time.GetTimestamp();
        if (remaining > 0)
        {
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(_time.GetElapsedTime(0, remaining), _time, delayCancel.Token);

            // The clock may have moved between reading it and arming the delay (a fake clock jumps):
            // look again, so that a tick is never lost.
            var first = _nextTick - _time.GetTimestamp() <= 0 ? delay : await Task.WhenAny(_signal.Task, delay).ConfigureAwait(false);
            await delayCancel.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == _signal.Task)
            {
                TryConsumeSignal();
                return false;
            }
        }

        var now = _time.GetTimestamp();
        _nextTick = Math.Max(_nextTick + ToTimestamp(_interval), now);
        return true;
    }

    /// <summary>Waits for a backoff delay; returns early (false) only when cancelled.</summary>
    public async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until <paramref name="until"/> completes, <paramref name="max"/> elapses or <see cref="Wake"/> is called;
    /// true when woken (the wake is consumed: the caller wakes the timer again once it is done, if the worker must see it).
    /// Leaves the interval's schedule alone. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async Task<bool> WaitForWakeAsync(Task until, TimeSpan max, CancellationToken cancellationToken)
    {
        if (TryConsumeSignal())
        {
            return true;
        }

        using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = _signal.Task;
        var delay = Task.Delay(max, _time, delayCancel.Token);
        var first = await Task.WhenAny(signal, delay, until).ConfigureAwait(false);
        await delayCancel.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == signal && TryConsumeSignal();
    }

    private bool TryConsumeSignal()
    {
        if (!_signal.Task.IsCompleted)
        {
            return false;
        }

        // Replace the signal before clearing the flag: a producer that sees the flag still set knows
        // the worker is about to drain and will see its event.
        _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _signalled, 0);
        return true;
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
