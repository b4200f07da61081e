namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Asks for a retention run now, not at the next <see cref="RetentionOptions.Interval"/> (SQLite's free-space reserve: a
/// disk filling at 10 MB/s is full long before an hourly run). Requests made while a run is under way bring one more run
/// after it; many requests before a run starts bring one. It also carries the reserve's news that room is back, which
/// ends retention's hold after a run that could not meet it (<see cref="RetentionBackoff"/>).
/// </summary>
internal sealed class RetentionTrigger
{
    private TaskCompletionSource _requested = NewSignal();
    private TaskCompletionSource _roomBack = NewSignal();

    /// <summary>Gets a task that completes at the next request (<see cref="RunNow"/>) after the last <see cref="Take"/>.</summary>
    public Task Requested => Volatile.Read(ref _requested).Task;

    /// <summary>Asks for a run now.</summary>
    public void RunNow() => Volatile.Read(ref _requested).TrySetResult();

    /// <summary>Called as a run starts: requests from now on bring the next run.</summary>
    public void Take() => Interlocked.Exchange(ref _requested, NewSignal());

    /// <summary>Says the reserve has room again (the reserve's measures: at most one a second).</summary>
    public void RoomBack() => Volatile.Read(ref _roomBack).TrySetResult();

    /// <summary>Returns a task that completes at the next <see cref="RoomBack"/> after this call.</summary>
    public Task NextRoomBack()
    {
        var next = NewSignal();
        Volatile.Write(ref _roomBack, next);
        return next.Task;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
